//! The route table. Every route is added through [`Routes`], which builds the axum router and, at
//! the same time, the list of (method, path) pairs the server answers. Tests walk that list (the
//! access matrix in `tests/access_matrix.rs` fails on a route without an expected answer), so a
//! route cannot be added without its access rule being stated and checked.

use crate::AppState;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use axum::Router;

/// One route the server answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// `GET`, `POST` or `PUT`.
    pub method: &'static str,
    /// The path pattern, with `{name}` for each parameter (axum's syntax), e.g. `/referrals/{id}`.
    pub path: String,
}

/// A router under construction, with the list of its routes.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Self { router: Router::new(), table: Vec::new() }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("GET", path, axum::routing::get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("POST", path, axum::routing::post(handler))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("PUT", path, axum::routing::put(handler))
    }

    /// Adds a method router built by the caller (for one that carries a layer, such as a larger
    /// body limit); `method` must be the one method it answers.
    pub fn add(mut self, method: &'static str, path: &str, method_router: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, method_router);
        self.table.push(Route { method, path: path.to_owned() });
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// Mounts `other` under `prefix` (e.g. `/api`).
    pub fn nest(mut self, prefix: &str, other: Routes) -> Self {
        self.router = self.router.nest(prefix, other.router);
        // axum mounts the nested router's "/" at the prefix itself.
        self.table.extend(other.table.into_iter().map(|r| Route { method: r.method, path: if r.path == "/" { prefix.to_owned() } else { format!("{prefix}{}", r.path) } }));
        self
    }

    /// Changes the router without adding routes (a fallback, a layer).
    pub fn map_router(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = f(self.router);
        self
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }

    pub fn table(&self) -> &[Route] {
        &self.table
    }
}
