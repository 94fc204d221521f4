//! The upload page for importing referrals from a CSV file (link workers and managers). The page
//! shows the result of each upload itself (nothing to redirect to: the report is not stored), as
//! an error summary and a table of problems by line and column, or a success panel.

use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::access::require_casework;
use linkwork_app::forms::{FieldError, Fields};
use linkwork_app::import::{import_referrals, ImportMode, ImportReport, RowProblem};
use crate::views::{FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use linkwork_domain::interop::import::referrals_csv::{COLUMNS, MAX_ROWS_TEXT};

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Request bodies up to this size are read to the end, the file past [`MAX_UPLOAD_BYTES`] being
/// discarded, so the browser gets the "file too large" page rather than a dropped connection.
pub(super) const MAX_BODY_BYTES: usize = 4 * MAX_UPLOAD_BYTES;
/// At most this many problems are listed on the page (all are counted).
const MAX_LISTED: usize = 1000;

const EXAMPLE_CSV: &str = include_str!("../../../../docs/examples/referrals.csv");

pub fn routes() -> Routes {
    Routes::new()
        .get("/referrals/import", form)
        .add("POST", "/referrals/import", axum::routing::post(upload).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)))
        .get("/referrals/import/example.csv", example)
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportView {
    page: Page,
    form: FormState,
    columns: Vec<ColumnHelp>,
    max_rows: &'static str,
    outcome: Option<Outcome>,
    /// Referrals were written: the page leads with the success panel.
    written: bool,
}

struct ColumnHelp {
    name: &'static str,
    required: bool,
    description: &'static str,
}

/// The result of an upload, ready to show.
struct Outcome {
    dry_run: bool,
    written: bool,
    ready: usize,
    /// Problems stopped the import: nothing was written.
    blocked: bool,
    /// A problem with the whole file (its header, an empty file), shown on its own.
    file_problem: Option<String>,
    /// Rows without problems (in a blocked import: how many would have been imported).
    good_rows: usize,
    /// Rows with problems: blocking the import, or skipped.
    bad_rows: usize,
    /// The problems (blocking, or of the skipped rows), at most [`MAX_LISTED`].
    rows: Vec<ProblemRow>,
    /// How many problems there are in all.
    problem_count: usize,
    // The counts in words: "1 row", "12 referrals".
    imported_text: String,
    ready_text: String,
    rows_read_text: String,
    good_rows_text: String,
    bad_rows_text: String,
    problems_text: String,
}

struct ProblemRow {
    line: u64,
    column: &'static str,
    message: String,
}

impl Outcome {
    fn new(report: &ImportReport, dry_run: bool) -> Self {
        let blocked = !report.problems.is_empty();
        let listed: &[RowProblem] = if blocked { &report.problems } else { &report.skipped };
        let file_problem = (blocked && report.rows_read == 0).then(|| report.problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(". "));
        let mut bad_lines: Vec<u64> = listed.iter().map(|p| p.line).collect();
        bad_lines.dedup();
        Self {
            dry_run,
            written: report.written,
            ready: report.ready,
            blocked,
            good_rows: report.rows_read.saturating_sub(bad_lines.len()),
            bad_rows: bad_lines.len(),
            rows: if file_problem.is_some() {
                Vec::new()
            } else {
                listed.iter().take(MAX_LISTED).map(|p| ProblemRow { line: p.line, column: p.column.unwrap_or("(whole row)"), message: p.message.clone() }).collect()
            },
            problem_count: listed.len(),
            imported_text: plural(report.imported, "referral", "referrals"),
            ready_text: plural(report.ready, "referral", "referrals"),
            rows_read_text: plural(report.rows_read, "row", "rows"),
            good_rows_text: plural(report.rows_read.saturating_sub(bad_lines.len()), "row", "rows"),
            bad_rows_text: plural(bad_lines.len(), "row", "rows"),
            problems_text: plural(listed.len(), "problem", "problems"),
            file_problem,
        }
    }

    fn more(&self) -> usize {
        self.problem_count.saturating_sub(self.rows.len())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

async fn show(state: &AppState, user: &CurrentUser, form: FormState, outcome: Option<Outcome>) -> Result<Html<String>, WebError> {
    let mut page = page(state, user, "Import referrals from a CSV file", "").await?.with_back("/caseload", "Back to caseload").with_form(&form);
    page.has_errors |= outcome.as_ref().is_some_and(|o| o.blocked);
    let columns = COLUMNS.iter().map(|c| ColumnHelp { name: c.name, required: c.required, description: c.description }).collect();
    let written = outcome.as_ref().is_some_and(|o| o.written);
    render(&ImportView { page, form, columns, max_rows: MAX_ROWS_TEXT, outcome, written })
}

async fn form(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    require_casework(&user.actor())?;
    show(&state, &user, FormState::default(), None).await
}

async fn example(user: CurrentUser) -> Result<Response, WebError> {
    require_casework(&user.actor())?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"referrals-example.csv\"")], EXAMPLE_CSV).into_response())
}

/// What the form sent.
#[derive(Default)]
pub(super) struct Upload {
    pub(super) csrf_token: String,
    pub(super) dry_run: bool,
    pub(super) skip_bad_rows: bool,
    pub(super) file: Vec<u8>,
    pub(super) chose_file: bool,
    pub(super) too_large: bool,
}

impl Upload {
    /// The options as fields, to show the checkboxes as they were.
    pub(super) fn fields(&self) -> Fields {
        let mut pairs = Vec::new();
        if self.dry_run {
            pairs.push(("dry_run".to_owned(), "yes".to_owned()));
        }
        if self.skip_bad_rows {
            pairs.push(("skip_bad_rows".to_owned(), "yes".to_owned()));
        }
        Fields::from_pairs(pairs)
    }
}

/// Why an upload could not be read.
pub(super) enum UploadError {
    TooLarge,
    Broken,
}

pub(super) async fn read_upload(mut multipart: Multipart) -> Result<Upload, UploadError> {
    let failed = |e: axum::extract::multipart::MultipartError| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { UploadError::TooLarge } else { UploadError::Broken };
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        match field.name() {
            Some("csrf_token") => upload.csrf_token = field.text().await.map_err(failed)?,
            Some("dry_run") => upload.dry_run = true,
            Some("skip_bad_rows") => upload.skip_bad_rows = true,
            Some("file") => {
                upload.chose_file |= field.file_name().is_some_and(|n| !n.is_empty());
                while let Some(chunk) = field.chunk().await.map_err(failed)? {
                    if upload.too_large || upload.file.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        upload.too_large = true;
                        upload.file = Vec::new();
                    } else {
                        upload.file.extend_from_slice(&chunk);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

pub(super) fn file_error(message: &str) -> FormState {
    FormState::new(Fields::default(), vec![FieldError { field: "file".into(), message: message.into() }])
}

pub(super) const TOO_LARGE: &str = "The file must be smaller than 10 MB. Split it into smaller files and upload each one";

async fn upload(State(state): State<AppState>, user: CurrentUser, multipart: Result<Multipart, MultipartRejection>) -> Result<Response, WebError> {
    require_casework(&user.actor())?;
    let upload = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => Err(UploadError::Broken),
    };
    let upload = match upload {
        Ok(upload) => upload,
        Err(UploadError::TooLarge) => return Ok((StatusCode::PAYLOAD_TOO_LARGE, show(&state, &user, file_error(TOO_LARGE), None).await?).into_response()),
        Err(UploadError::Broken) => return Ok((StatusCode::BAD_REQUEST, show(&state, &user, file_error("The upload did not arrive complete. Choose the file and upload it again"), None).await?).into_response()),
    };
    user.check_csrf(&upload.csrf_token)?;
    let with_options = |message: &str| FormState::new(upload.fields(), vec![FieldError { field: "file".into(), message: message.into() }]);
    if upload.too_large {
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, show(&state, &user, with_options(TOO_LARGE), None).await?).into_response());
    }
    if !upload.chose_file && upload.file.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, show(&state, &user, with_options("Select a CSV file to upload"), None).await?).into_response());
    }
    let mode = ImportMode { dry_run: upload.dry_run, skip_bad_rows: upload.skip_bad_rows };
    let report = import_referrals(&*state.store, &user.actor(), &user.audit(), &upload.file, mode).await?;
    let outcome = Outcome::new(&report, mode.dry_run);
    // After a clean check, the form is ready for the real import.
    let mut form = FormState::new(upload.fields(), vec![]);
    if mode.dry_run && !report.failed() {
        form = FormState::new(Fields::from_pairs(if mode.skip_bad_rows { vec![("skip_bad_rows".into(), "yes".into())] } else { vec![] }), vec![]);
    }
    let status = if report.failed() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, show(&state, &user, form, Some(outcome)).await?).into_response())
}
