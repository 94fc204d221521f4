//! Who acts when a command runs: the organisation it works for, and the operating-system account
//! that ran it (recorded in the audit trail's token column as `cli:<account>`, so a command-line
//! export or erasure is told apart from one made in the app or through the API).

use linkwork_app::store::AuditActor;

pub fn cli_actor(org_id: Option<&str>) -> AuditActor {
    let account = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    AuditActor { user_id: None, token_id: Some(format!("cli:{account}")), org_id: org_id.map(str::to_owned) }
}
