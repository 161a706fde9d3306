//! Avro compatibility against the shared vectors (`../shared/testdata`): every reader/writer
//! case through `avro::compat::check`, every level case through the compatibility engine.

use herald::schema::avro::{AvroSchema, compat};
use herald::schema::compat::{CompatibilityLevel, PreviousVersion, check};
use herald::schema::{ParsedSchema, SchemaType};
use serde_json::Value;

mod shared_testdata;

fn text(value: &Value) -> String {
    serde_json::to_string(value).expect("serializable")
}

#[test]
fn reader_writer_cases() {
    let Some(cases) = shared_testdata::load_json("avro-compat-cases.json") else {
        return;
    };
    let cases = cases.as_array().expect("an array of cases");
    let mut failures = Vec::new();
    let mut run = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        run += 1;
        let parse = |key: &str| AvroSchema::parse(&text(&case[key]), &[]);
        let (reader, writer) = match (parse("reader"), parse("writer")) {
            (Ok(r), Ok(w)) => (r, w),
            (r, w) => {
                failures.push(format!(
                    "{name}: parse failed: {:?} / {:?}",
                    r.err(),
                    w.err()
                ));
                continue;
            }
        };
        let expected = case["reader_reads_writer"].as_bool().expect("boolean");
        let findings = compat::check(&reader, &writer);
        if findings.is_empty() != expected {
            failures.push(format!(
                "{name}: expected reader_reads_writer={expected}, findings {findings:?}"
            ));
            continue;
        }
        if let Some(kind) = case.get("incompatibility").and_then(Value::as_str)
            && !findings.iter().any(|f| f.kind == kind)
        {
            failures.push(format!(
                "{name}: expected a {kind} finding, got {findings:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
    assert_eq!(run, 143, "expected 143 reader/writer cases");
}

#[test]
fn level_cases() {
    let Some(cases) = shared_testdata::load_json("avro-compat-level-cases.json") else {
        return;
    };
    let cases = cases.as_array().expect("an array of cases");
    let mut failures = Vec::new();
    let mut run = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        run += 1;
        let level: CompatibilityLevel = case["level"]
            .as_str()
            .expect("level")
            .parse()
            .expect("a known level");
        let parse = |value: &Value| ParsedSchema::parse(SchemaType::Avro, &text(value), &[]);
        let candidate = match parse(&case["candidate"]) {
            Ok(schema) => schema,
            Err(e) => {
                failures.push(format!("{name}: candidate does not parse: {e}"));
                continue;
            }
        };
        let mut previous = Vec::new();
        for value in case["previous_versions_oldest_first"]
            .as_array()
            .expect("previous versions")
        {
            match parse(value) {
                Ok(schema) => previous.push(schema),
                Err(e) => failures.push(format!("{name}: previous version does not parse: {e}")),
            }
        }
        let newest_first: Vec<PreviousVersion<'_>> = previous
            .iter()
            .enumerate()
            .rev()
            .map(|(i, schema)| PreviousVersion {
                version: i32::try_from(i + 1).expect("small"),
                schema,
            })
            .collect();
        let report = check(level, &candidate, &newest_first);
        let expected = case["compatible"].as_bool().expect("boolean");
        if report.is_compatible() != expected {
            failures.push(format!(
                "{name}: expected compatible={expected}, got {:?}",
                report.findings
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
    assert_eq!(run, 56, "expected 56 level cases");
}
