//! The building blocks the sections are written with, knowing no section: number, date and text
//! formatting ([`format`]), the [`Figure`] every section publishes, HTML helpers (escaped headings,
//! paragraphs, tables, figures with a spoken mark for suppressed values: [`html`]), hand-written
//! SVG charts ([`svg`]), the dashboard's sparklines ([`sparkline`]) and the word cloud
//! ([`word_cloud`]). Modules here import only each other and `linkwork_domain`.

pub mod figure;
pub mod format;
pub mod html;
pub mod sparkline;
pub mod svg;
pub mod word_cloud;

pub use figure::Figure;
