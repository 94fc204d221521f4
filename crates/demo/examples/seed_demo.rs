//! Seeds a SQLite database with the demo data and prints the logins and how long it took.
//!
//! `cargo run -p linkwork-demo --example seed_demo -- [DATABASE_URL] [REFERRALS]`
//! (default: a new file in the temporary directory, 600 referrals).

use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| format!("sqlite://{}", std::env::temp_dir().join(format!("linkwork-demo-{}.db", linkwork_store::new_id())).display()));
    let referrals = args.next().map(|n| n.parse()).transpose()?.unwrap_or(600);
    let store = linkwork_store::testing::migrated(&url).await?;
    let started = Instant::now();
    let summary = linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { referrals, ..Default::default() }).await?;
    let elapsed = started.elapsed();
    println!("Seeded {url}: {} referrals, {} services, {} organisations in {:.2?}", summary.referrals, summary.services, summary.organisations, elapsed);
    for login in &summary.logins {
        println!("  {:<13} {:<45} {:<16} {} ({})", login.role.code(), login.email, login.password, login.display_name, login.org_name);
    }
    Ok(())
}
