//! The service manager's health-system tariff page (`/health/tariff`) and SROI model page
//! (`/health/sroi`), and the activity upload (`/health/activity/import`, the same use case as
//! `linkwork import activity`).

use crate::auth::CheckedForm;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use crate::views::{Choice, FormState, Page};
use linkwork_app::{health_tariff, sroi_settings};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::evaluation::health_system::CostItem;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/health", hub)
        .get("/health/tariff", show)
        .post("/health/tariff", save)
        .get("/health/sroi", show_sroi)
        .post("/health/sroi", save_sroi)
        .get("/health/activity/import", activity_form)
        .add("POST", "/health/activity/import", axum::routing::post(activity_upload).layer(DefaultBodyLimit::max(super::import::MAX_BODY_BYTES)))
}

pub struct TariffCell {
    pub name: String,
    pub what: &'static str,
    pub width: &'static str,
}

pub struct TariffRow {
    pub label: &'static str,
    pub cells: Vec<TariffCell>,
}

#[derive(Template)]
#[template(path = "health_tariff.html")]
pub struct TariffView {
    pub page: Page,
    pub form: FormState,
    pub rows: Vec<TariffRow>,
}

fn rows() -> Vec<TariffRow> {
    CostItem::all()
        .into_iter()
        .map(|item| {
            let code = item.code();
            TariffRow {
                label: item.label(),
                cells: vec![
                    TariffCell {
                        name: format!("cost_{code}"),
                        what: "Unit cost in pounds",
                        width: "nhsuk-input--width-5",
                    },
                    TariffCell {
                        name: format!("source_{code}"),
                        what: "Source",
                        width: "nhsuk-input--width-20",
                    },
                    TariffCell {
                        name: format!("year_{code}"),
                        what: "Year",
                        width: "nhsuk-input--width-5",
                    },
                ],
            }
        })
        .collect()
}

async fn tariff_page(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let page = page(state, user, "Health-system tariff", "/health")
        .await?
        .with_form(&form)
        .with_notice(notice);
    render(&TariffView {
        page,
        form,
        rows: rows(),
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let tariff = health_tariff::tariff(&*state.store, &user.actor()).await?;
    let notice = q
        .get("notice")
        .filter(|n| *n == "saved")
        .map(|_| "Tariff saved".to_owned());
    tariff_page(
        &state,
        &user,
        FormState::new(health_tariff::tariff_fields(&tariff), vec![]),
        notice,
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match health_tariff::save_tariff(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(_) => Ok(Redirect::to("/health/tariff?notice=saved").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            tariff_page(&state, &user, FormState::new(f, errors), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---- SROI model (`/health/sroi`) ----

pub struct SroiInputRow {
    pub number: usize,
    pub label: String,
    pub kind: String,
    pub quantity: String,
    pub value: String,
    pub source: String,
}

pub struct SroiOutcomeRow {
    pub number: usize,
    pub label: String,
    pub from: String,
    pub score: String,
    pub quantity: String,
    pub proxy: String,
    pub proxy_source: String,
    pub deadweight: String,
    pub displacement: String,
    pub attribution: String,
    pub duration: String,
    pub drop_off: String,
}

#[derive(Template)]
#[template(path = "sroi_settings.html")]
pub struct SroiView {
    pub page: Page,
    pub form: FormState,
    pub saved: bool,
    /// The saved model is Linkwork's illustrative one (as the demo saves it).
    pub illustrative: bool,
    pub inputs: Vec<SroiInputRow>,
    pub outcomes: Vec<SroiOutcomeRow>,
    pub kinds: Vec<Choice>,
    pub sources: Vec<Choice>,
}

async fn sroi_page(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    (saved, illustrative): (bool, bool),
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let page = page(state, user, "Social return on investment", "/health")
        .await?
        .with_form(&form)
        .with_notice(notice);
    let inputs = (0..sroi_settings::ROWS)
        .map(|i| SroiInputRow {
            number: i + 1,
            label: format!("input_label_{i}"),
            kind: format!("input_kind_{i}"),
            quantity: format!("input_quantity_{i}"),
            value: format!("input_value_{i}"),
            source: format!("input_source_{i}"),
        })
        .collect();
    let outcomes = (0..sroi_settings::ROWS)
        .map(|i| SroiOutcomeRow {
            number: i + 1,
            label: format!("outcome_label_{i}"),
            from: format!("outcome_from_{i}"),
            score: format!("outcome_score_{i}"),
            quantity: format!("outcome_quantity_{i}"),
            proxy: format!("outcome_proxy_{i}"),
            proxy_source: format!("outcome_proxy_source_{i}"),
            deadweight: format!("outcome_deadweight_{i}"),
            displacement: format!("outcome_displacement_{i}"),
            attribution: format!("outcome_attribution_{i}"),
            duration: format!("outcome_duration_{i}"),
            drop_off: format!("outcome_drop_off_{i}"),
        })
        .collect();
    let kinds = sroi_settings::KINDS
        .iter()
        .map(|k| Choice {
            value: k.0.to_owned(),
            label: k.1.to_owned(),
        })
        .collect();
    let sources = sroi_settings::SOURCES
        .iter()
        .map(|k| Choice {
            value: k.0.to_owned(),
            label: k.1.to_owned(),
        })
        .collect();
    render(&SroiView {
        page,
        form,
        saved,
        illustrative,
        inputs,
        outcomes,
        kinds,
        sources,
    })
}

async fn show_sroi(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let (model, saved) = sroi_settings::sroi_model(&*state.store, &user.actor()).await?;
    let notice = q
        .get("notice")
        .filter(|n| *n == "saved")
        .map(|_| "SROI model saved".to_owned());
    sroi_page(
        &state,
        &user,
        FormState::new(sroi_settings::model_fields(&model), vec![]),
        (saved, saved && model.illustrative),
        notice,
    )
    .await
}

async fn save_sroi(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match sroi_settings::save_sroi_model(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(_) => Ok(Redirect::to("/health/sroi?notice=saved").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let (model, saved) = sroi_settings::sroi_model(&*state.store, &user.actor()).await?;
            let illustrative = saved && model.illustrative;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                sroi_page(&state, &user, FormState::new(f, errors), (saved, illustrative), None).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- activity upload (`/health/activity/import`) ----

/// The result of an upload, ready to show.
pub struct ActivityOutcome {
    pub dry_run: bool,
    pub blocked: bool,
    pub rows: Vec<(u64, &'static str, String)>,
    pub problems_text: String,
    pub imported_text: String,
    pub ready_text: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "activity_import.html")]
pub struct ActivityImportView {
    pub page: Page,
    pub form: FormState,
    pub columns: Vec<(&'static str, bool, &'static str)>,
    pub outcome: Option<ActivityOutcome>,
    pub done: bool,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl ActivityOutcome {
    fn new(r: &linkwork_app::import_activity::ActivityImportReport, dry_run: bool) -> Self {
        let blocked = !r.problems.is_empty();
        let listed = if blocked { &r.problems } else { &r.skipped };
        let mut parts = Vec::new();
        if r.already_recorded > 0 {
            parts.push(format!(
                "{} already recorded, so not added again.",
                plural(r.already_recorded, "contact was", "contacts were")
            ));
        }
        if !r.skipped.is_empty() {
            parts.push(format!(
                "{} with problems skipped (listed below).",
                plural(r.skipped_lines().len(), "row", "rows")
            ));
        }
        if !r.unknown_people.is_empty() {
            let lines: Vec<String> = r
                .unknown_people
                .iter()
                .take(20)
                .map(u64::to_string)
                .collect();
            let more = if r.unknown_people.len() > 20 {
                format!(" and {} more", r.unknown_people.len() - 20)
            } else {
                String::new()
            };
            parts.push(format!(
                "{} for people the service does not know left out (lines {}{more}).",
                plural(r.unknown_people.len(), "row", "rows"),
                lines.join(", ")
            ));
        }
        if dry_run {
            parts.push("Nothing has been saved.".to_owned());
        }
        Self {
            dry_run,
            blocked,
            rows: listed
                .iter()
                .take(1000)
                .map(|p| (p.line, p.column.unwrap_or("(whole row)"), p.message.clone()))
                .collect(),
            problems_text: plural(listed.len(), "problem", "problems"),
            imported_text: plural(r.imported, "contact", "contacts"),
            ready_text: plural(r.ready, "contact", "contacts"),
            summary: parts.join(" "),
        }
    }
}

async fn activity_page(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    outcome: Option<ActivityOutcome>,
) -> Result<Html<String>, WebError> {
    let mut page = page(state, user, "Import health-system activity", "/health")
        .await?
        .with_form(&form);
    page.has_errors |= outcome.as_ref().is_some_and(|o| o.blocked);
    let columns = linkwork_domain::interop::import::activity_csv::COLUMNS
        .iter()
        .map(|c| (c.name, c.required, c.description))
        .collect();
    let done = outcome.as_ref().is_some_and(|o| !o.blocked);
    render(&ActivityImportView {
        page,
        form,
        columns,
        outcome,
        done,
    })
}

async fn activity_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    linkwork_app::import_activity::require_manager(&user.actor())?;
    activity_page(&state, &user, FormState::default(), None).await
}

async fn activity_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    use super::import::{file_error, read_upload, UploadError, TOO_LARGE};
    linkwork_app::import_activity::require_manager(&user.actor())?;
    let upload = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => Err(UploadError::Broken),
    };
    let upload =
        match upload {
            Ok(upload) => upload,
            Err(UploadError::TooLarge) => {
                return Ok((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    activity_page(&state, &user, file_error(TOO_LARGE), None).await?,
                )
                    .into_response())
            }
            Err(UploadError::Broken) => return Ok((
                StatusCode::BAD_REQUEST,
                activity_page(
                    &state,
                    &user,
                    file_error(
                        "The upload did not arrive complete. Choose the file and upload it again",
                    ),
                    None,
                )
                .await?,
            )
                .into_response()),
        };
    user.check_csrf(&upload.csrf_token)?;
    let with_options = |message: &str| {
        FormState::new(
            upload.fields(),
            vec![linkwork_app::forms::FieldError {
                field: "file".into(),
                message: message.into(),
            }],
        )
    };
    if upload.too_large {
        return Ok((
            StatusCode::PAYLOAD_TOO_LARGE,
            activity_page(&state, &user, with_options(TOO_LARGE), None).await?,
        )
            .into_response());
    }
    if !upload.chose_file && upload.file.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            activity_page(
                &state,
                &user,
                with_options("Select a CSV file to upload"),
                None,
            )
            .await?,
        )
            .into_response());
    }
    let mode = linkwork_app::import::ImportMode {
        dry_run: upload.dry_run,
        skip_bad_rows: upload.skip_bad_rows,
    };
    let report = linkwork_app::import_activity::import_activity(
        &*state.store,
        &user.actor(),
        &user.audit(),
        &upload.file,
        mode,
    )
    .await?;
    let status = if report.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let outcome = ActivityOutcome::new(&report, mode.dry_run);
    Ok((
        status,
        activity_page(
            &state,
            &user,
            FormState::new(upload.fields(), vec![]),
            Some(outcome),
        )
        .await?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "health_hub.html")]
pub struct HealthHubView {
    pub page: Page,
    pub sroi_saved: bool,
}

async fn hub(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let sroi_saved = linkwork_app::sroi_settings::sroi_model_saved(&*state.store, &user.actor()).await?;
    let page = page(
        &state,
        &user,
        "Health-system use and social value",
        "/health",
    )
    .await?;
    render(&HealthHubView { page, sroi_saved })
}
