//! Protobuf compatibility against Confluent's diff vectors (`../shared/testdata`): every
//! case of `confluent/protobuf/diff-schema-examples*.json` through `protobuf::compat::diff`.

use herald::schema::Dependency;
use herald::schema::protobuf::{ProtobufSchema, compat};
use serde_json::Value;

mod shared_testdata;

/// A schema string ending in `.proto` names a resource file under the vectors' folder.
fn schema_text(value: &Value) -> String {
    let text = value.as_str().expect("schema string");
    if text.trim_end().ends_with(".proto") && !text.contains('\n') {
        let path = shared_testdata::testdata_dir()
            .join("confluent/protobuf")
            .join(text.trim());
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        text.to_owned()
    }
}

/// Dependencies with their text; those without (built-in imports) are left out.
fn dependencies(case: &Value, key: &str) -> Vec<Dependency> {
    case.get(key)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|d| {
                    Some(Dependency {
                        name: d["name"].as_str()?.to_owned(),
                        text: d.get("dependency")?.as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

struct Outcome {
    run: usize,
    compatible_failures: Vec<String>,
    changes_failures: Vec<String>,
}

fn run_file(relative: &str) -> Option<Outcome> {
    let cases = shared_testdata::load_json(relative)?;
    let cases = cases.as_array().expect("an array of cases");
    let mut outcome = Outcome {
        run: 0,
        compatible_failures: Vec::new(),
        changes_failures: Vec::new(),
    };
    for case in cases {
        let name = case["description"].as_str().expect("description");
        outcome.run += 1;
        let original = ProtobufSchema::parse(
            &schema_text(&case["original_schema"]),
            &dependencies(case, "original_dependencies"),
        );
        let update = ProtobufSchema::parse(
            &schema_text(&case["update_schema"]),
            &dependencies(case, "update_dependencies"),
        );
        let (original, update) = match (original, update) {
            (Ok(o), Ok(u)) => (o, u),
            (o, u) => {
                outcome.compatible_failures.push(format!(
                    "{name}: parse failed: {:?} / {:?}",
                    o.err(),
                    u.err()
                ));
                continue;
            }
        };
        let changes = compat::diff(&original, &update);
        let expected_compatible = case["compatible"].as_bool().expect("compatible");
        let compatible = changes.iter().all(|c| c.compatible);
        let got: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {}", c.kind, c.path))
            .collect();
        let expected: Vec<String> = case["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c.as_str().expect("change string").to_owned())
            .collect();
        if compatible != expected_compatible {
            outcome.compatible_failures.push(format!(
                "{name}: expected compatible={expected_compatible}, got {got:?}"
            ));
        }
        if got != expected {
            outcome
                .changes_failures
                .push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    Some(outcome)
}

#[test]
fn confluent_diff_examples() {
    let mut run = 0;
    let mut compatible_failures = Vec::new();
    let mut changes_failures = Vec::new();
    for (file, count) in [
        ("confluent/protobuf/diff-schema-examples.json", 54),
        ("confluent/protobuf/diff-schema-examples-with-meta.json", 1),
    ] {
        let Some(outcome) = run_file(file) else {
            return;
        };
        assert_eq!(outcome.run, count, "expected {count} cases in {file}");
        run += outcome.run;
        compatible_failures.extend(outcome.compatible_failures);
        changes_failures.extend(outcome.changes_failures);
    }
    assert_eq!(run, 55);
    assert!(
        compatible_failures.is_empty(),
        "cases with the wrong verdict:\n{}",
        compatible_failures.join("\n")
    );
    assert!(
        changes_failures.is_empty(),
        "cases with a different list of changes:\n{}",
        changes_failures.join("\n")
    );
}
