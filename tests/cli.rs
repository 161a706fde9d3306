//! `herald catalog apply|export` as a user runs them: exit status, plan, problems with file
//! and line, nothing half-applied.

use std::path::Path;
use std::process::{Command, Output};

fn herald(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env("HERALD_LOG", "warn")
        .output()
        .expect("herald runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo() -> String {
    format!(
        "{}/schemas-examples/catalog.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn apply_plans_applies_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());
    let db = ["--database", database.as_str()];

    let dry = herald(&[&["catalog", "apply", &demo(), "--dry-run"][..], &db].concat());
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let plan = text(&dry.stdout);
    assert!(plan.contains("would make"), "{plan}");
    assert!(
        plan.contains("create    application order-service"),
        "{plan}"
    );
    assert!(
        plan.contains("register  subject com.shop.common.Money"),
        "{plan}"
    );
    let export = herald(&[&["catalog", "export"][..], &db].concat());
    assert_eq!(
        text(&export.stdout).trim(),
        "{}",
        "a dry run changes nothing"
    );

    let applied = herald(&[&["catalog", "apply", &demo()][..], &db].concat());
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let again = herald(&[&["catalog", "apply", &demo()][..], &db].concat());
    assert!(
        text(&again.stdout).contains("made 0 change(s)"),
        "{}",
        text(&again.stdout)
    );

    let export = herald(&[&["catalog", "export"][..], &db].concat());
    let exported: serde_json::Value =
        serde_yaml_ng::from_slice(&export.stdout).expect("the export is YAML");
    assert!(exported["topics"].as_array().is_some_and(|t| t.len() >= 8));
}

#[test]
fn a_broken_file_names_file_line_and_entity_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());
    let file = dir.path().join("broken.yaml");
    std::fs::write(
        &file,
        "teams:\n  - name: checkout\napplications:\n  - name: shop\n    owner: checkout\n  - name: billing\n    consumes:\n      - topic: missing\n",
    )
    .expect("write file");
    let out = herald(&[
        "catalog",
        "apply",
        &file.display().to_string(),
        "--database",
        &database,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let errors = text(&out.stderr);
    let expected = format!(
        "{}:6: application billing: consumes: topic missing does not exist",
        file.display()
    );
    assert!(errors.contains(&expected), "{errors}");
    let export = herald(&["catalog", "export", "--database", &database]);
    assert_eq!(text(&export.stdout).trim(), "{}", "nothing half-applied");
}

#[test]
fn bad_yaml_and_missing_schema_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());
    let cases = [
        (
            "syntax.yaml",
            "topics:\n  - name: a\n   oops: [\n",
            "syntax.yaml:",
        ),
        (
            "nofile.yaml",
            "schemas:\n  - subject: s\n    versions:\n      - file: nowhere.avsc\n",
            "nowhere.avsc",
        ),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let out = herald(&[
            "catalog",
            "apply",
            &path.display().to_string(),
            "--database",
            &database,
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            text(&out.stderr).contains(expected),
            "{name}: {}",
            text(&out.stderr)
        );
    }
    assert!(Path::new(&dir.path().join("cli.db")).exists());
}
