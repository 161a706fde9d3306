//! Access to the compatibility vectors in `../shared/testdata`.
//!
//! When the folder is absent a test says so loudly and passes — except under `CI=true`,
//! where a missing vector file is a failure: in CI nothing that matters is skipped.

use std::path::PathBuf;

pub fn testdata_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("HERALD_TESTDATA") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata")
}

/// Reads a vector file as JSON; `None` (after a loud notice) when it is missing outside CI.
#[allow(dead_code)]
pub fn load_json(relative: &str) -> Option<serde_json::Value> {
    let path = testdata_dir().join(relative);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "CI=true and test vectors missing at {}: {err}",
                    path.display()
                );
            }
            eprintln!(
                "\n!!! SKIPPED: test vectors not found at {} ({err}); set HERALD_TESTDATA !!!\n",
                path.display()
            );
            return None;
        }
    };
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
