//! Confluent's JSON Schema diff vectors (`testdata/confluent/json-schema/`), run through
//! `herald::schema::json::compat`.
//!
//! For EVERY case the booleans must hold: `compatible` == no incompatible change under the
//! strict policy, `compatible_lenient` (or `compatible`) under the lenient one. The exact
//! ordered `changes` list is also compared and counted per file; the counts may only go up
//! (see `MIN_EXACT`).

mod shared_testdata;

use herald::schema::json::JsonSchema;
use herald::schema::json::compat::{Policy, diff, diff_with, is_compatible_change};
use serde_json::Value;

/// Exact `changes` matches reached per file; a regression below these fails the test.
const MIN_EXACT: &[(&str, usize)] = &[
    ("confluent/json-schema/diff-schema-examples.json", 104),
    // The 3 misses are Confluent 2020-12 quirks we do not copy: removing `maxProperties`,
    // `minProperties` or `additionalProperties: false` from `{"properties": {}}` reports
    // nothing there; we report the (compatible) removal.
    (
        "confluent/json-schema/diff-schema-examples-2020-12.json",
        110,
    ),
    (
        "confluent/json-schema/diff-combined-schema-examples.json",
        28,
    ),
    (
        "confluent/json-schema/diff-combined-schema-examples-2020-12.json",
        18,
    ),
];

const EXPECTED_CASES: &[(&str, usize)] = &[
    ("confluent/json-schema/diff-schema-examples.json", 104),
    (
        "confluent/json-schema/diff-schema-examples-2020-12.json",
        113,
    ),
    (
        "confluent/json-schema/diff-combined-schema-examples.json",
        28,
    ),
    (
        "confluent/json-schema/diff-combined-schema-examples-2020-12.json",
        18,
    ),
];

/// Drops a `,` that directly precedes `}` or `]` (outside strings): the 2020-12 file has
/// one, which Confluent's lenient org.json reader accepts.
fn strip_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The vector file as JSON; `None` (after a loud notice) when missing outside CI.
fn load(relative: &str) -> Option<Value> {
    let path = shared_testdata::testdata_dir().join(relative);
    if !path.exists() {
        // Delegates the loud-skip / CI-failure behaviour to the shared helper.
        return shared_testdata::load_json(relative);
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(
        serde_json::from_str(&strip_trailing_commas(&text))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

fn schema_of(value: &Value) -> JsonSchema {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    JsonSchema::parse(&text, &[]).unwrap_or_else(|e| panic!("schema does not parse: {e}\n{text}"))
}

fn is_compatible(original: &JsonSchema, update: &JsonSchema, policy: Policy) -> bool {
    diff_with(original, update, policy)
        .iter()
        .all(|c| is_compatible_change(c.kind, policy))
}

struct Outcome {
    cases: usize,
    strict_ok: usize,
    lenient_ok: usize,
    exact: usize,
}

fn run_file(relative: &str) -> Option<Outcome> {
    let cases = load(relative)?;
    let cases = cases
        .as_array()
        .unwrap_or_else(|| panic!("{relative}: not an array"));
    let mut outcome = Outcome {
        cases: 0,
        strict_ok: 0,
        lenient_ok: 0,
        exact: 0,
    };
    let mut failures = Vec::new();
    let mut inexact = Vec::new();
    for case in cases {
        outcome.cases += 1;
        let description = case["description"].as_str().unwrap_or("?");
        let original = schema_of(&case["original_schema"]);
        let update = schema_of(&case["update_schema"]);
        let compatible = case["compatible"].as_bool().expect("compatible");
        let lenient = case
            .get("compatible_lenient")
            .and_then(Value::as_bool)
            .unwrap_or(compatible);

        let strict_actual = is_compatible(&original, &update, Policy::Strict);
        let lenient_actual = is_compatible(&original, &update, Policy::Lenient);
        let changes: Vec<String> = diff(&original, &update)
            .iter()
            .map(|c| format!("{} {}", c.kind, c.path))
            .collect();
        let expected: Vec<String> = case["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        if strict_actual == compatible {
            outcome.strict_ok += 1;
        } else {
            failures.push(format!("[strict] {description}: expected {compatible}, got {strict_actual}; changes {changes:?}, expected {expected:?}"));
        }
        if lenient_actual == lenient {
            outcome.lenient_ok += 1;
        } else {
            failures.push(format!("[lenient] {description}: expected {lenient}, got {lenient_actual}; changes {changes:?}"));
        }
        if changes == expected {
            outcome.exact += 1;
        } else {
            inexact.push(format!(
                "{description}:\n    expected {expected:?}\n    actual   {changes:?}"
            ));
        }
    }
    eprintln!(
        "{relative}: {} cases, strict {}/{}, lenient {}/{}, exact changes {}/{}",
        outcome.cases,
        outcome.strict_ok,
        outcome.cases,
        outcome.lenient_ok,
        outcome.cases,
        outcome.exact,
        outcome.cases
    );
    for line in &inexact {
        eprintln!("  inexact: {line}");
    }
    for line in &failures {
        eprintln!("  FAILED: {line}");
    }
    Some(outcome)
}

#[test]
fn every_json_schema_diff_vector() {
    let mut all_ran = true;
    let mut problems = Vec::new();
    for (file, expected_cases) in EXPECTED_CASES {
        let Some(outcome) = run_file(file) else {
            all_ran = false;
            continue;
        };
        if outcome.cases != *expected_cases {
            problems.push(format!(
                "{file}: ran {} cases, expected {expected_cases}",
                outcome.cases
            ));
        }
        if outcome.strict_ok != outcome.cases || outcome.lenient_ok != outcome.cases {
            problems.push(format!(
                "{file}: compatible verdicts strict {}/{} lenient {}/{}",
                outcome.strict_ok, outcome.cases, outcome.lenient_ok, outcome.cases
            ));
        }
        let floor = MIN_EXACT
            .iter()
            .find(|(f, _)| f == file)
            .map_or(0, |(_, n)| *n);
        if outcome.exact < floor {
            problems.push(format!("{file}: exact changes {} < {floor}", outcome.exact));
        }
    }
    if !all_ran {
        return;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn recursive_schema_is_compatible_with_itself() {
    let Some(value) = shared_testdata::load_json("confluent/json-schema/recursive-schema.json")
    else {
        return;
    };
    let a = schema_of(&value);
    let b = schema_of(&value);
    let changes = diff(&a, &b);
    assert!(changes.is_empty(), "{changes:?}");
    assert!(herald::schema::json::compat::check(&b, &a, Policy::Strict).is_empty());
}

#[test]
fn trailing_comma_stripping_leaves_strings_alone() {
    assert_eq!(
        strip_trailing_commas(r#"{"a": [1, 2,], "b": ",}",}"#),
        r#"{"a": [1, 2], "b": ",}"}"#
    );
}
