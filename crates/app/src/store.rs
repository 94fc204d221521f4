//! What a shell may name of the store: the handle it opens and hands to the use cases, and the
//! records the use cases take and return. Shells never call the handle's methods themselves: the
//! access rules and the read audit live in the use cases, so a shell that called the store
//! directly could skip them. `crates/app/tests/shells_go_through_the_use_cases.rs` checks this.

pub use linkwork_store::{connect, new_id, Store, StoreError};
pub use linkwork_store::accounts::model::*;
pub use linkwork_store::admin::model::*;
pub use linkwork_store::audit::model::*;
pub use linkwork_store::casework::model::*;
pub use linkwork_store::directory::model::*;
pub use linkwork_store::evaluation::model::*;
pub use linkwork_store::interop::model::*;
pub use linkwork_store::measurement::model::*;
pub use linkwork_store::onward::model::*;
pub use linkwork_store::person::model::*;
