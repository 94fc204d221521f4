//! The directory of services link workers refer on to ([`DirectoryStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use async_trait::async_trait;

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn create_service(&self, service: &NewService) -> Result<String>;
    async fn services(&self) -> Result<Vec<Service>>;
    async fn service(&self, id: &str) -> Result<Option<Service>>;
}
