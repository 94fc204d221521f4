//! `linkwork settings`: a service's own evaluation settings — its referral-rate target band per
//! financial year, and its link workers' whole-time equivalents (also editable by a manager on
//! the team page).

use crate::commands::DatabaseArgs;
use anyhow::bail;
use clap::{Args, Subcommand};
use linkwork_app::service_settings as uc;
use linkwork_domain::evaluation::price_index::PriceIndex;
use linkwork_domain::evaluation::workforce::YearTarget;
use linkwork_domain::interop::snomed_maps::{SnomedMapping, SnomedNeedMap, SnomedScoreMap};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Set the referral-rate target band for a financial year (default 0.8–1.2% of the list a
    /// year, IIF 2022/23), or list the bands set when --year is left out.
    ReferralTarget(TargetArgs),
    /// Set a link worker's whole-time equivalent (1.0 = full time), for caseload per WTE.
    Wte(WteArgs),
    /// Set how many years a service keeps identifiable records after a person's last referral
    /// closed (default 8); `linkwork retention` and the server's daily job apply it.
    Retention(RetentionYearsArgs),
    /// Set the price index that brings the service's unit costs to each report's year: where the
    /// values come from and each financial year's value ("2012/13=100;2024/25=137.2"); --clear
    /// removes it; with neither, shows it.
    PriceIndex(PriceIndexArgs),
    /// Set how the service reads referral reasons coded in SNOMED CT (UK Core, BaRS) as need
    /// domains: "code=need" parts, with codes your ICB or clinical safety officer confirmed
    /// (Linkwork ships none); --clear removes them; with neither, shows them.
    SnomedNeeds(SnomedNeedsArgs),
    /// Set the SNOMED CT concept each questionnaire score goes back to the GP record as, beside
    /// Linkwork's own score code: "score_key=concept id" parts, with concepts your ICB or clinical
    /// safety officer confirmed (Linkwork ships none); --clear removes them; with neither, shows them.
    SnomedScores(SnomedScoresArgs),
    /// Set how the public reach the service (shown on the self-referral form and with its
    /// reference): a phone number and/or an e-mail address, and when the phone is answered.
    ServiceContact(ServiceContactArgs),
}

#[derive(Args)]
pub struct SnomedScoresArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Each score key (as in /fhir/CodeSystem/score) and its SNOMED CT concept id, separated by
    /// ";" or new lines: "swemwbs_metric=<concept id>". Replaces the whole mapping.
    #[arg(long, conflicts_with = "clear")]
    pub map: Option<String>,
    /// Remove the mapping (scores go back in Linkwork's score code system only).
    #[arg(long)]
    pub clear: bool,
}

#[derive(Args)]
pub struct SnomedNeedsArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Each SNOMED CT concept id and the need domain it is read as, separated by ";" or new
    /// lines: "<concept id>=loneliness;<concept id>=money". Replaces the whole mapping.
    #[arg(long, conflicts_with = "clear")]
    pub map: Option<String>,
    /// Remove the mapping (SNOMED CT reasons are then read as words, needs to confirm).
    #[arg(long)]
    pub clear: bool,
}

#[derive(Args)]
pub struct ServiceContactArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// A UK phone number, like "0113 496 0000".
    #[arg(long, default_value = "")]
    pub phone: String,
    /// The e-mail address the public write to, like "spl.service@nhs.net".
    #[arg(long, default_value = "")]
    pub email: String,
    /// When the phone is answered, like "Monday to Friday, 9am to 5pm".
    #[arg(long, default_value = "")]
    pub hours: String,
}

#[derive(Args)]
pub struct PriceIndexArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Where the values come from, like "PSSRU Unit Costs of Health and Social Care 2024, NHS cost inflation index".
    #[arg(long, requires = "values", conflicts_with = "clear")]
    pub source: Option<String>,
    /// Each financial year and its value, separated by ";" or new lines: "2012/13=100;2024/25=137.2".
    #[arg(long, requires = "source", conflicts_with = "clear")]
    pub values: Option<String>,
    /// Remove the service's price index (costs stay at each unit cost's own year's prices).
    #[arg(long)]
    pub clear: bool,
}

#[derive(Args)]
pub struct RetentionYearsArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Years, from 1 to 100.
    #[arg(long)]
    pub years: i64,
}

#[derive(Args)]
pub struct TargetArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// The financial year by the year it starts: 2026 for April 2026 to March 2027.
    #[arg(long, requires_all = ["low", "high"])]
    pub year: Option<i32>,
    /// Lower end of the band, % of the registered list a year.
    #[arg(long)]
    pub low: Option<f64>,
    /// Upper end of the band, % of the registered list a year.
    #[arg(long)]
    pub high: Option<f64>,
}

#[derive(Args)]
pub struct WteArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// The link worker's e-mail address.
    #[arg(long)]
    pub email: String,
    /// Whole-time equivalent, more than 0 and at most 1.5; "none" clears it.
    #[arg(long)]
    pub wte: String,
}

async fn service(db: &DatabaseArgs, org: &str) -> anyhow::Result<(std::sync::Arc<dyn linkwork_app::store::Store>, linkwork_app::store::Org)> {
    let store = crate::commands::open(&db.database).await?;
    let pcn = uc::find_service(&*store, org).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((store, pcn))
}

pub async fn run(command: SettingsCommand) -> anyhow::Result<()> {
    match command {
        SettingsCommand::ReferralTarget(args) => {
            let (store, pcn) = service(&args.db, &args.org).await?;
            if let (Some(year), Some(low), Some(high)) = (args.year, args.low, args.high) {
                let target = YearTarget::new(year, low, high).map_err(|e| anyhow::anyhow!("{e}"))?;
                uc::set_referral_target(&*store, &pcn, &target).await?;
                println!("{}: referral-rate target for {}/{:02} set to {}–{}% of the list a year.", pcn.name, year, (year + 1) % 100, low, high);
            } else {
                let targets = uc::referral_targets(&*store, &pcn).await?;
                if targets.is_empty() {
                    println!("{}: no target set; reports use the IIF 2022/23 band of 0.8–1.2%.", pcn.name);
                }
                for t in targets {
                    println!("{}/{:02}: {}–{}%", t.year, (t.year + 1) % 100, t.low_pct, t.high_pct);
                }
            }
        }
        SettingsCommand::Wte(args) => {
            let wte = linkwork_app::workforce::parse_wte(&args.wte).map_err(anyhow::Error::msg)?;
            let (store, pcn) = service(&args.db, &args.org).await?;
            let who = crate::actor::cli_actor(Some(&pcn.id));
            let user = uc::set_worker_wte(&*store, &who, &pcn, &args.email, wte).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            match wte {
                Some(v) => println!("{}: whole-time equivalent set to {v}.", user.display_name),
                None => println!("{}: whole-time equivalent cleared (counted as full time).", user.display_name),
            }
        }
        SettingsCommand::PriceIndex(args) => {
            let (store, pcn) = service(&args.db, &args.org).await?;
            let who = crate::actor::cli_actor(Some(&pcn.id));
            if let (Some(source), Some(values)) = (&args.source, &args.values) {
                let index = PriceIndex::parse(source, values).map_err(|errors| anyhow::anyhow!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))?;
                let years = index.values().count();
                linkwork_app::health_tariff::set_price_index(&*store, &who, &pcn.id, Some(index)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{}: price index set ({years} years); reports bring unit costs to their year's prices with it.", pcn.name);
            } else if args.clear {
                linkwork_app::health_tariff::set_price_index(&*store, &who, &pcn.id, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{}: price index removed; unit costs stay at their own year's prices.", pcn.name);
            } else {
                match linkwork_app::health_tariff::price_index(&*store, &pcn.id).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                    Some(index) => println!("{}: {}\n{}", pcn.name, index.source(), index.values_lines()),
                    None => println!("{}: no price index; unit costs stay at their own year's prices.", pcn.name),
                }
            }
        }
        SettingsCommand::SnomedNeeds(args) => {
            let words = MappingWords {
                none_set: "no SNOMED CT code is read as a need; coded reasons are read as words, with needs to confirm.",
                none_shown: "no SNOMED CT code is read as a need.",
                one: "1 SNOMED CT code is read as a need",
                many: "SNOMED CT codes are read as needs",
            };
            let (store, pcn) = service(&args.db, &args.org).await?;
            match mapping_to_set::<SnomedNeedMap>(&args.map, args.clear)? {
                Some(map) => {
                    uc::set_snomed_need_map(&*store, &crate::actor::cli_actor(Some(&pcn.id)), &pcn, &map).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    words.say_set(&pcn.name, &map);
                }
                None => words.say_shown(&pcn.name, &uc::snomed_need_map(&*store, &pcn).await.map_err(|e| anyhow::anyhow!("{e}"))?),
            }
        }
        SettingsCommand::SnomedScores(args) => {
            let words = MappingWords {
                none_set: "scores go back to the GP record in Linkwork's score codes only.",
                none_shown: "no score has a SNOMED CT code.",
                one: "1 score goes back to the GP record with a SNOMED CT code",
                many: "scores go back to the GP record with a SNOMED CT code",
            };
            let (store, pcn) = service(&args.db, &args.org).await?;
            match mapping_to_set::<SnomedScoreMap>(&args.map, args.clear)? {
                Some(map) => {
                    uc::set_snomed_score_map(&*store, &crate::actor::cli_actor(Some(&pcn.id)), &pcn, &map).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    words.say_set(&pcn.name, &map);
                }
                None => words.say_shown(&pcn.name, &uc::snomed_score_map(&*store, &pcn).await.map_err(|e| anyhow::anyhow!("{e}"))?),
            }
        }
        SettingsCommand::Retention(args) => {
            if !uc::RETENTION_YEARS.contains(&args.years) {
                bail!("--years must be from 1 to 100");
            }
            let (store, pcn) = service(&args.db, &args.org).await?;
            uc::set_retention_years(&*store, &crate::actor::cli_actor(Some(&pcn.id)), &pcn, args.years).await?;
            println!("{}: identifiable records are kept {} years after a person's last referral closed.", pcn.name, args.years);
        }
        SettingsCommand::ServiceContact(args) => {
            let contact = linkwork_domain::person::contact_details::ServiceContact::parse(&args.phone, &args.email, &args.hours).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (store, pcn) = service(&args.db, &args.org).await?;
            uc::set_service_contact(&*store, &crate::actor::cli_actor(Some(&pcn.id)), &pcn, &contact).await?;
            println!("{}: the public are told to contact the service on {}.", pcn.name, [contact.phone.map(|p| p.display()), contact.email.map(|e| e.as_str().to_owned())].into_iter().flatten().collect::<Vec<_>>().join(" or "));
        }
    }
    Ok(())
}

/// What `--map` and `--clear` ask of a SNOMED CT mapping setting: the mapping to set (empty to
/// clear it), or `None` to show the one set. A `--map` that does not parse writes nothing.
fn mapping_to_set<M: SnomedMapping>(map: &Option<String>, clear: bool) -> anyhow::Result<Option<M>> {
    match (map, clear) {
        (Some(text), _) => M::parse(text).map(Some).map_err(|errors| anyhow::anyhow!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))),
        (None, true) => Ok(Some(M::default())),
        (None, false) => Ok(None),
    }
}

/// How a SNOMED CT mapping setting reports itself.
struct MappingWords {
    /// After it was cleared.
    none_set: &'static str,
    /// Shown when there is none.
    none_shown: &'static str,
    /// After one pair was set, and after several (after their count).
    one: &'static str,
    many: &'static str,
}

impl MappingWords {
    fn say_set(&self, service: &str, map: &impl SnomedMapping) {
        match map.len() {
            0 => println!("{service}: {}", self.none_set),
            1 => println!("{service}: {}.", self.one),
            n => println!("{service}: {n} {}.", self.many),
        }
    }

    fn say_shown(&self, service: &str, map: &impl SnomedMapping) {
        if map.is_empty() {
            println!("{service}: {}", self.none_shown);
        } else {
            println!("{service}: {}", map.to_text().replace(';', "\n"));
        }
    }
}
