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
        if let Err(e) = std::fs::copy(&path, out.join(to)) {
            panic!(
                "\n\nThe NHS.UK design system is missing ({}: {e}).\nRun scripts/setup (or `npm ci` in the repository root) before building.\n\n",
                path.display()
            );
        }
    }
}
