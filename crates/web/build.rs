//! Copies the NHS.UK design system's compiled assets from `node_modules/nhsuk-frontend` (installed
//! by `scripts/setup` from the npm registry) into OUT_DIR, so the binary serves them itself.

use std::path::PathBuf;

const FILES: &[(&str, &str)] = &[
    ("nhsuk-frontend.min.css", "nhsuk-frontend.min.css"),
    ("nhsuk-frontend.min.js", "nhsuk-frontend.min.js"),
    ("assets/images/favicon.ico", "favicon.ico"),
    ("assets/images/favicon.svg", "favicon.svg"),
    ("assets/images/nhsuk-icon-arrow-down.svg", "nhsuk-icon-arrow-down.svg"),
    ("assets/images/nhsuk-icon-arrow-up-down.svg", "nhsuk-icon-arrow-up-down.svg"),
    ("assets/images/nhsuk-icon-arrow-up.svg", "nhsuk-icon-arrow-up.svg"),
    ("assets/images/nhsuk-icon-cross.svg", "nhsuk-icon-cross.svg"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let source = manifest.join("../../node_modules/nhsuk-frontend/dist/nhsuk");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("nhsuk");
    std::fs::create_dir_all(&out).unwrap();
    for (from, to) in FILES {
        let path = source.join(from);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "\n\nThe NHS.UK design system is missing ({}: {e}).\nRun scripts/setup (or `npm ci` in the repository root) before building.\n\n",
                path.display()
            )
        });
        let bytes = if to.ends_with(".css") { without_font_faces(&String::from_utf8(bytes).expect("the stylesheet is UTF-8")).into_bytes() } else { bytes };
        std::fs::write(out.join(to), bytes).unwrap();
    }
}

/// The stylesheet without its `@font-face` rules. They load the Frutiger font from
/// https://assets.nhs.uk, which our Content-Security-Policy (`default-src 'self'`) rightly blocks,
/// and the font's licence does not let us serve it ourselves (nhsuk-frontend does not ship it).
/// Without them the browser asks for nothing and uses the design system's fallback, Arial.
fn without_font_faces(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("@font-face") {
        out.push_str(&rest[..start]);
        // A @font-face block holds declarations only, so its first `}` ends it.
        let end = rest[start..].find('}').map_or(rest.len(), |i| start + i + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
