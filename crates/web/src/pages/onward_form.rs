//! The onward-referral form (`/referrals/{id}/onward/new`, issue 12): instead of every service in
//! the directory as one long list of radios, a search on the same page (a GET form: words, need,
//! only services taking people now) lists the services that fit, those meeting the person's needs
//! first and nearest first; then one is chosen and sent with the note and the person's agreement.
//! A service chosen in the directory (`?service=`) comes chosen. Works without JavaScript.

use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::casework as cases;
use linkwork_app::forms::Fields;
use crate::views::{Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::response::Html;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_app::store::ReferralRecord;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "onward.html")]
struct OnwardView {
    page: Page,
    form: FormState,
    /// The search (`q`, `need`, `open`) as understood, with its problems.
    search: FormState,
    person: String,
    given_name: String,
    nhs_number: String,
    action: String,
    /// Where the search form sends (the form's own page, without its query).
    search_action: String,
    /// For the link to the whole directory, searching for this person (`/directory?for=`).
    referral_id: String,
    /// A service chosen in the directory, kept while searching.
    chosen: String,
    need_options: Vec<Choice>,
    services: Vec<ServiceOption>,
    /// Whether distances are from the person's postcode.
    from_postcode: bool,
}

struct ServiceOption {
    id: String,
    name: String,
    org: String,
    /// The hint under the choice: what it meets, how far, whether people wait.
    detail: String,
    matches: bool,
}

/// The form's page: `action` is the page's own path and query, so the search is kept when the
/// form comes back with errors.
pub(super) async fn render_form(state: &AppState, user: &CurrentUser, r: &ReferralRecord, action: String, form: FormState) -> Result<Html<String>, WebError> {
    let (path, query) = action.split_once('?').unwrap_or((action.as_str(), ""));
    let query: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let chosen = Some(form.value("service_id")).filter(|s| !s.is_empty()).or(query.get("service").map(String::as_str)).map(str::to_owned);
    let found = linkwork_app::directory::onward_choices(&*state.store, r, &query, chosen.as_deref()).await?;
    let given_name = r.person.given_name.clone();
    let services = found
        .services
        .into_iter()
        .map(|o| {
            let mut detail = vec![if o.meets.is_empty() { format!("Meets: {}", cases::need_labels(&o.service.needs)) } else { format!("Meets {given_name}'s need: {}", cases::need_labels(&o.meets)) }];
            if let Some(km) = o.distance_km {
                detail.push(format!("{km:.1} km ({:.1} miles) away", km / 1.609_344));
            }
            detail.push(match (o.taking_people_now, o.service.profile.waiting_list) {
                (true, _) => "Taking people now".to_owned(),
                (false, Some(n)) if n > 0 => format!("{n} waiting"),
                (false, _) => "Funding has ended".to_owned(),
            });
            ServiceOption { matches: !o.meets.is_empty(), detail: detail.join(". "), id: o.service.id, name: o.service.name, org: o.service.org_name }
        })
        .collect();
    let mut need_options = Vec::new();
    if !linkwork_app::plan::current_needs(&r.needs).is_empty() {
        need_options.push(Choice::new("", format!("Any of {given_name}'s needs")));
    }
    need_options.push(Choice::new("any", "Any need"));
    need_options.extend(NeedDomain::ALL.iter().map(|n| Choice::new(n.code(), n.label())));
    let search = FormState::new(Fields::from_pairs(query.iter().filter(|(k, _)| matches!(k.as_str(), "q" | "need" | "open")).map(|(k, v)| (k.clone(), v.clone())).collect()), found.errors);
    let page = page(state, user, "Refer to a community service", "").await?.with_back(format!("/referrals/{}", r.referral.id), "Back to the record").with_form(&form);
    render(&OnwardView {
        page,
        form,
        search,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        given_name,
        nhs_number: r.person.nhs_number.to_string(),
        search_action: path.to_owned(),
        action,
        referral_id: r.referral.id.clone(),
        chosen: query.get("service").cloned().unwrap_or_default(),
        need_options,
        services,
        from_postcode: found.from_postcode,
    })
}
