//! The storage contract: one suite, run against every backend.
//!
//! Each `contract_*` function takes a fresh, empty [`Store`] and checks what the registry
//! relies on. `contract_suite!` runs every one of them twice, on SQLite (a temporary file) and
//! on PostgreSQL (one throwaway cluster for this test binary, a fresh database per test).
//! The `pg_concurrency` tests then play several nodes (separate stores, each with its own
//! pool) against one PostgreSQL database.

mod pg_cluster;

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, OnceLock};

use herald::model::Reference;
use herald::schema::SchemaType;
use herald::storage::browse::{ActionMatch, AuditQuery, AuditRecord};
use herald::storage::catalog::CatalogWrite;
use herald::storage::usage::{UsageQuery, UsageScope, UsageTally};
use herald::storage::{
    Committed, NewSchema, NewVersion, Registered, Store, StoreError, StoredSchema, SubjectVersion,
    VersionRow,
};
use serde_json::json;

use pg_cluster::PgCluster;

// ---------------------------------------------------------------------------------------
// Backends

static CLUSTER: OnceLock<Option<PgCluster>> = OnceLock::new();

/// The shared cluster, started on first use; `None` when skipped (no binaries, not in CI).
fn cluster() -> Option<&'static PgCluster> {
    CLUSTER.get_or_init(PgCluster::start).as_ref()
}

async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("herald.db").display());
    let store = Store::connect(&url).await.expect("open SQLite store");
    (store, dir)
}

/// A fresh PostgreSQL database and its URL, or `None` when PostgreSQL tests are skipped.
async fn pg_database() -> Option<String> {
    let cluster = tokio::task::spawn_blocking(cluster)
        .await
        .expect("cluster start")?;
    Some(cluster.create_database().await)
}

async fn pg_store() -> Option<Store> {
    let url = pg_database().await?;
    let store = Store::connect(&url).await.expect("open PostgreSQL store");
    assert!(matches!(store, Store::Postgres(_)));
    Some(store)
}

macro_rules! contract_suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = super::sqlite_store().await;
                    assert!(matches!(store, herald::storage::Store::Sqlite(_)));
                    super::$name(&store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(store) = super::pg_store().await else { return };
                    super::$name(&store).await;
                }
            )*
        }
    };
}

contract_suite!(
    contract_round_trip,
    contract_same_identity_reuses_id,
    contract_explicit_ids,
    contract_explicit_versions,
    contract_id_range_is_bounded,
    contract_version_range_is_bounded,
    contract_stale_expected_version_conflicts,
    contract_soft_delete,
    contract_hard_delete,
    contract_settings_removed_with_last_version,
    contract_referenced_by,
    contract_subjects_order_and_live_flags,
    contract_all_versions_prefix_is_literal,
    contract_config,
    contract_mode,
    contract_empty_store,
    contract_audit_trail_filters,
    contract_audit_trail_pages,
    contract_usage_tallies_add_up,
);

// ---------------------------------------------------------------------------------------
// Helpers

const ACTOR: &str = "contract-test";

fn identity_of(text: &str, salt: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut hasher = DefaultHasher::new();
        (salt, i, text).hash(&mut hasher);
        chunk.copy_from_slice(&hasher.finish().to_be_bytes());
    }
    out
}

fn avro(text: &str) -> NewSchema {
    NewSchema {
        schema_type: SchemaType::Avro,
        identity: identity_of(text, 0),
        canonical_text: text.to_owned(),
        references: Vec::new(),
        metadata: None,
        rule_set: None,
    }
}

fn record(name: &str) -> NewSchema {
    avro(&format!(
        r#"{{"type":"record","name":"{name}","fields":[{{"name":"f","type":"string"}}]}}"#
    ))
}

fn version<'a>(subject: &'a str, expected: Option<i32>, schema: NewSchema) -> NewVersion<'a> {
    NewVersion {
        subject,
        expected_max_version: expected,
        schema,
        explicit_id: None,
        explicit_version: None,
        actor: ACTOR,
    }
}

/// Appends `schema` to `subject` after reading the subject's current highest version.
async fn append(store: &Store, subject: &str, schema: NewSchema) -> Registered {
    let expected = store
        .subject_versions(subject)
        .await
        .expect("read versions")
        .last()
        .map(|v| v.version);
    store
        .insert_version(version(subject, expected, schema))
        .await
        .map(Committed::unannounced)
        .expect("insert version")
}

fn row(version: i32, schema_id: i64, deleted: bool) -> VersionRow {
    VersionRow {
        version,
        schema_id,
        deleted,
    }
}

fn sv(subject: &str, version: i32, schema_id: i64, deleted: bool) -> SubjectVersion {
    SubjectVersion {
        subject: subject.to_owned(),
        version,
        schema_id,
        deleted,
    }
}

// ---------------------------------------------------------------------------------------
// The contract

async fn contract_round_trip(store: &Store) {
    let mut schema = record("A");
    schema.references = vec![Reference {
        name: "b.avsc".into(),
        subject: "b-value".into(),
        version: 3,
    }];
    // Key order must survive the round trip: the registry echoes these documents.
    schema.metadata = Some(json!({"properties": {"zeta": "1", "alpha": "2"}, "tags": {}}));
    schema.rule_set = Some(json!({"domainRules": [{"name": "r", "kind": "CONDITION"}]}));
    let registered = store
        .insert_version(version("orders-value", None, schema.clone()))
        .await
        .map(Committed::unannounced)
        .expect("insert");
    assert_eq!(registered, Registered { id: 1, version: 1 });

    let stored = store.schema(1).await.expect("read").expect("schema 1");
    let expected = StoredSchema {
        id: 1,
        schema_type: SchemaType::Avro,
        canonical_text: schema.canonical_text.clone(),
        references: schema.references.clone(),
        metadata: schema.metadata.clone(),
        rule_set: schema.rule_set.clone(),
    };
    assert_eq!(stored, expected);
    assert_eq!(
        serde_json::to_string(&stored.metadata).expect("json"),
        r#"{"properties":{"zeta":"1","alpha":"2"},"tags":{}}"#
    );
    assert_eq!(store.schema(2).await.expect("read"), None);

    assert_eq!(
        store.subject_versions("orders-value").await.expect("read"),
        vec![row(1, 1, false)]
    );
    assert_eq!(
        store.subject_versions("unknown").await.expect("read"),
        vec![]
    );
    assert_eq!(
        store
            .schemas_by_identity(&schema.identity)
            .await
            .expect("read"),
        vec![expected]
    );
    assert_eq!(
        store
            .schemas_by_identity(&identity_of("nope", 9))
            .await
            .expect("read"),
        vec![]
    );
    assert_eq!(
        store
            .schema_id_by_identity(&schema.identity, SchemaType::Avro)
            .await
            .expect("read"),
        Some(1)
    );
    assert_eq!(
        store
            .schema_id_by_identity(&schema.identity, SchemaType::Json)
            .await
            .expect("read"),
        None
    );
    assert_eq!(
        store.versions_of_schema(1).await.expect("read"),
        vec![sv("orders-value", 1, 1, false)]
    );

    let second = append(store, "orders-value", record("A2")).await;
    assert_eq!(second, Registered { id: 2, version: 2 });
    assert_eq!(
        store.subject_versions("orders-value").await.expect("read"),
        vec![row(1, 1, false), row(2, 2, false)]
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 2);
    store.ping().await.expect("ping");
}

async fn contract_same_identity_reuses_id(store: &Store) {
    let first = append(store, "a", record("Shared")).await;
    let second = append(store, "b", record("Shared")).await;
    assert_eq!(first, Registered { id: 1, version: 1 });
    assert_eq!(second, Registered { id: 1, version: 1 });
    // The same schema again as the next version of the same subject also keeps its id.
    let again = append(store, "a", record("Shared")).await;
    assert_eq!(again, Registered { id: 1, version: 2 });
    // Same identity bytes but another type is another schema.
    let mut json_schema = record("Shared");
    json_schema.schema_type = SchemaType::Json;
    let other_type = append(store, "c", json_schema).await;
    assert_eq!(other_type, Registered { id: 2, version: 1 });
    assert_eq!(
        store.versions_of_schema(1).await.expect("read"),
        vec![
            sv("a", 1, 1, false),
            sv("a", 2, 1, false),
            sv("b", 1, 1, false)
        ]
    );
    let by_identity = store
        .schemas_by_identity(&record("Shared").identity)
        .await
        .expect("read");
    assert_eq!(
        by_identity.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 2);
}

async fn contract_explicit_ids(store: &Store) {
    let mut import = version("imp", None, record("I1"));
    import.explicit_id = Some(100);
    assert_eq!(
        store
            .insert_version(import)
            .await
            .map(Committed::unannounced)
            .expect("import"),
        Registered {
            id: 100,
            version: 1
        }
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 100);
    // Allocation continues after the highest id.
    assert_eq!(
        append(store, "imp", record("I2")).await,
        Registered {
            id: 101,
            version: 2
        }
    );
    // The id is bound to another schema.
    let mut clash = version("imp", Some(2), record("I3"));
    clash.explicit_id = Some(100);
    assert!(matches!(
        store
            .insert_version(clash)
            .await
            .map(Committed::unannounced),
        Err(StoreError::IdTaken(100))
    ));
    // The schema exists under another id.
    let mut moved = version("imp", Some(2), record("I1"));
    moved.explicit_id = Some(500);
    assert!(matches!(
        store
            .insert_version(moved)
            .await
            .map(Committed::unannounced),
        Err(StoreError::IdTaken(500))
    ));
    // The schema under its own id is fine (another subject).
    let mut same = version("imp2", None, record("I1"));
    same.explicit_id = Some(100);
    assert_eq!(
        store
            .insert_version(same)
            .await
            .map(Committed::unannounced)
            .expect("same id"),
        Registered {
            id: 100,
            version: 1
        }
    );
    // Refusals wrote nothing.
    assert_eq!(
        store.subject_versions("imp").await.expect("read"),
        vec![row(1, 100, false), row(2, 101, false)]
    );
    assert_eq!(
        store
            .schema_id_by_identity(&record("I3").identity, SchemaType::Avro)
            .await
            .expect("read"),
        None
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 101);
}

async fn contract_explicit_versions(store: &Store) {
    let mut import = version("v", None, record("V5"));
    import.explicit_version = Some(5);
    assert_eq!(
        store
            .insert_version(import)
            .await
            .map(Committed::unannounced)
            .expect("import"),
        Registered { id: 1, version: 5 }
    );
    let mut taken = version("v", Some(5), record("Other"));
    taken.explicit_version = Some(5);
    assert!(matches!(
        store
            .insert_version(taken)
            .await
            .map(Committed::unannounced),
        Err(StoreError::VersionTaken(5))
    ));
    // A gap below the highest version may be filled explicitly.
    let mut below = version("v", Some(5), record("V2"));
    below.explicit_version = Some(2);
    assert_eq!(
        store
            .insert_version(below)
            .await
            .map(Committed::unannounced)
            .expect("fill gap"),
        Registered { id: 2, version: 2 }
    );
    // Without an explicit version: highest + 1.
    assert_eq!(
        append(store, "v", record("V6")).await,
        Registered { id: 3, version: 6 }
    );
    assert_eq!(
        store.subject_versions("v").await.expect("read"),
        vec![row(2, 2, false), row(5, 1, false), row(6, 3, false)]
    );
}

/// Confluent's ids and versions are Java `int`s: 1..=2^31-1.
const RANGE_MAX: i32 = i32::MAX;

/// Inserts and reports the outcome without announcing.
async fn try_insert(store: &Store, new: NewVersion<'_>) -> Result<Registered, StoreError> {
    store.insert_version(new).await.map(Committed::unannounced)
}

/// Refused because an id or version lies outside 1..=2^31-1 or none is left.
fn out_of_range(result: &Result<Registered, StoreError>) -> bool {
    matches!(result, Err(StoreError::OutOfRange(_)))
}

async fn contract_id_range_is_bounded(store: &Store) {
    for wanted in [i64::from(RANGE_MAX) + 1, i64::MAX, 0, -5, i64::MIN] {
        let mut import = version("ids", None, record("Outside"));
        import.explicit_id = Some(wanted);
        let result = try_insert(store, import).await;
        assert!(out_of_range(&result), "id {wanted}: {result:?}");
    }
    assert_eq!(store.subject_versions("ids").await.expect("read"), vec![]);
    assert_eq!(store.max_schema_id().await.expect("max"), 0);
    let mut last = version("ids", None, record("Last"));
    last.explicit_id = Some(i64::from(RANGE_MAX));
    assert_eq!(
        try_insert(store, last).await.expect("the last id"),
        Registered {
            id: i64::from(RANGE_MAX),
            version: 1
        }
    );
    // Every id is used up: a new schema is refused, in any subject, and nothing is written.
    for subject in ["ids", "elsewhere"] {
        let expected = store
            .subject_versions(subject)
            .await
            .expect("read")
            .last()
            .map(|v| v.version);
        let result = try_insert(store, version(subject, expected, record("Next"))).await;
        assert!(out_of_range(&result), "{subject}: {result:?}");
    }
    assert_eq!(
        store
            .schema_id_by_identity(&record("Next").identity, SchemaType::Avro)
            .await
            .expect("read"),
        None
    );
    assert_eq!(
        store.max_schema_id().await.expect("max"),
        i64::from(RANGE_MAX)
    );
    // A schema that has its id still registers anywhere.
    assert_eq!(
        append(store, "elsewhere", record("Last")).await,
        Registered {
            id: i64::from(RANGE_MAX),
            version: 1
        }
    );
}

async fn contract_version_range_is_bounded(store: &Store) {
    for wanted in [0, -5, i32::MIN] {
        let mut import = version("v", None, record("Outside"));
        import.explicit_version = Some(wanted);
        let result = try_insert(store, import).await;
        assert!(out_of_range(&result), "version {wanted}: {result:?}");
    }
    assert_eq!(store.subject_versions("v").await.expect("read"), vec![]);
    let mut last = version("v", None, record("Last"));
    last.explicit_version = Some(RANGE_MAX);
    assert_eq!(
        try_insert(store, last).await.expect("the last version"),
        Registered {
            id: 1,
            version: RANGE_MAX
        }
    );
    let result = try_insert(store, version("v", Some(RANGE_MAX), record("Next"))).await;
    assert!(out_of_range(&result), "{result:?}");
    assert_eq!(
        store.subject_versions("v").await.expect("read"),
        vec![row(RANGE_MAX, 1, false)],
        "nothing was written"
    );
    // Other subjects number on, and the subject starts again once purged.
    assert_eq!(
        append(store, "w", record("Next")).await,
        Registered { id: 2, version: 1 }
    );
    store
        .soft_delete("v", &[RANGE_MAX], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft delete");
    store
        .hard_delete("v", &[RANGE_MAX], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard delete");
    assert_eq!(
        append(store, "v", record("Next")).await,
        Registered { id: 2, version: 1 }
    );
}

async fn contract_stale_expected_version_conflicts(store: &Store) {
    // Expecting versions in an empty subject.
    assert!(matches!(
        store
            .insert_version(version("s", Some(1), record("X")))
            .await
            .map(Committed::unannounced),
        Err(StoreError::Conflict)
    ));
    append(store, "s", record("A")).await;
    append(store, "s", record("B")).await;
    // Expecting an empty subject, or an older highest version.
    for stale in [None, Some(1), Some(3)] {
        assert!(
            matches!(
                store
                    .insert_version(version("s", stale, record("C")))
                    .await
                    .map(Committed::unannounced),
                Err(StoreError::Conflict)
            ),
            "expected {stale:?} must conflict"
        );
    }
    // A soft-deleted highest version still counts.
    store
        .soft_delete("s", &[2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    assert!(matches!(
        store
            .insert_version(version("s", Some(1), record("C")))
            .await
            .map(Committed::unannounced),
        Err(StoreError::Conflict)
    ));
    // Nothing was written by the refusals.
    assert_eq!(
        store.subject_versions("s").await.expect("read"),
        vec![row(1, 1, false), row(2, 2, true)]
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 2);
    assert_eq!(
        store
            .schema_id_by_identity(&record("C").identity, SchemaType::Avro)
            .await
            .expect("read"),
        None
    );
    assert_eq!(
        store
            .insert_version(version("s", Some(2), record("C")))
            .await
            .map(Committed::unannounced)
            .expect("fresh"),
        Registered { id: 3, version: 3 }
    );
}

async fn contract_soft_delete(store: &Store) {
    append(store, "s", record("A")).await;
    append(store, "s", record("B")).await;
    store
        .soft_delete("s", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    assert_eq!(
        store.subject_versions("s").await.expect("read"),
        vec![row(1, 1, true), row(2, 2, false)]
    );
    // A soft-deleted version keeps its schema served.
    assert!(store.schema(1).await.expect("read").is_some());
    assert_eq!(
        store.versions_of_schema(1).await.expect("read"),
        vec![sv("s", 1, 1, true)]
    );
    assert_eq!(
        store.subjects().await.expect("read"),
        vec![("s".to_owned(), true)]
    );
    store
        .soft_delete("s", &[2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    assert_eq!(
        store.subjects().await.expect("read"),
        vec![("s".to_owned(), false)]
    );
    // The same schema coming back drops its older soft-deleted version.
    assert_eq!(
        append(store, "s", record("A")).await,
        Registered { id: 1, version: 3 }
    );
    assert_eq!(
        store.subject_versions("s").await.expect("read"),
        vec![row(2, 2, true), row(3, 1, false)]
    );
    // ... unless something references that version.
    let mut user = record("User");
    user.references = vec![Reference {
        name: "b".into(),
        subject: "s".into(),
        version: 2,
    }];
    append(store, "user", user).await;
    assert_eq!(
        append(store, "s", record("B")).await,
        Registered { id: 2, version: 4 }
    );
    assert_eq!(
        store.subject_versions("s").await.expect("read"),
        vec![row(2, 2, true), row(3, 1, false), row(4, 2, false)]
    );
}

async fn contract_hard_delete(store: &Store) {
    append(store, "s", record("A")).await;
    append(store, "s", record("B")).await;
    append(store, "t", record("B")).await;
    store
        .soft_delete("s", &[1, 2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    store
        .hard_delete("s", &[1, 2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard");
    assert_eq!(store.subject_versions("s").await.expect("read"), vec![]);
    // Schema 1 has no version left: not served, but its row stays for reuse.
    assert_eq!(store.schema(1).await.expect("read"), None);
    assert_eq!(
        store
            .schemas_by_identity(&record("A").identity)
            .await
            .expect("read"),
        vec![]
    );
    assert_eq!(store.versions_of_schema(1).await.expect("read"), vec![]);
    assert_eq!(
        store
            .schema_id_by_identity(&record("A").identity, SchemaType::Avro)
            .await
            .expect("read"),
        Some(1)
    );
    // Schema 2 is still used by t.
    assert!(store.schema(2).await.expect("read").is_some());
    assert_eq!(
        store.subjects().await.expect("read"),
        vec![("t".to_owned(), true)]
    );
    // Registered again: the old id comes back, versions restart.
    assert_eq!(
        append(store, "s", record("A")).await,
        Registered { id: 1, version: 1 }
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 2);
    // Deleting versions that do not exist is not an error.
    store
        .hard_delete("nope", &[7], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("noop");
    store
        .soft_delete("nope", &[7], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("noop");
}

async fn contract_settings_removed_with_last_version(store: &Store) {
    append(store, "s", record("A")).await;
    append(store, "s", record("B")).await;
    let config = json!({"compatibilityLevel": "NONE"});
    store
        .put_config("s", &config, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    store
        .put_mode("s", "READONLY", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    store
        .put_config("other", &config, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    // Soft deletes keep settings.
    store
        .soft_delete("s", &[1, 2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    assert_eq!(store.config("s").await.expect("read"), Some(config.clone()));
    // A hard delete that leaves a version keeps them too.
    store
        .hard_delete("s", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard");
    assert_eq!(store.config("s").await.expect("read"), Some(config.clone()));
    assert_eq!(
        store.mode("s").await.expect("read"),
        Some("READONLY".to_owned())
    );
    // The last one takes them along, and only the subject's.
    store
        .hard_delete("s", &[2], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard");
    assert_eq!(store.config("s").await.expect("read"), None);
    assert_eq!(store.mode("s").await.expect("read"), None);
    assert_eq!(store.config("other").await.expect("read"), Some(config));
}

async fn contract_referenced_by(store: &Store) {
    append(store, "ref", record("Base")).await;
    let mut user = record("User");
    user.references = vec![
        Reference {
            name: "base.avsc".into(),
            subject: "ref".into(),
            version: 1,
        },
        Reference {
            name: "other.avsc".into(),
            subject: "elsewhere".into(),
            version: 4,
        },
    ];
    let user_id = append(store, "user", user.clone()).await.id;
    let mut user2 = record("User2");
    user2.references = user.references[..1].to_vec();
    let user2_id = append(store, "user2", user2).await.id;
    assert_eq!(
        store.referenced_by("ref", 1).await.expect("read"),
        vec![(user_id, true), (user2_id, true)]
    );
    assert_eq!(
        store.referenced_by("elsewhere", 4).await.expect("read"),
        vec![(user_id, true)]
    );
    assert_eq!(store.referenced_by("ref", 2).await.expect("read"), vec![]);
    // Soft-deleted referrers are listed, not live.
    store
        .soft_delete("user", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    assert_eq!(
        store.referenced_by("ref", 1).await.expect("read"),
        vec![(user_id, false), (user2_id, true)]
    );
    // The same schema live in another subject makes it live again.
    append(store, "user-copy", user).await;
    assert_eq!(
        store.referenced_by("ref", 1).await.expect("read"),
        vec![(user_id, true), (user2_id, true)]
    );
    // Hard-deleted everywhere: gone from the list.
    store
        .soft_delete("user-copy", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    store
        .hard_delete("user", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard");
    store
        .hard_delete("user-copy", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("hard");
    assert_eq!(
        store.referenced_by("ref", 1).await.expect("read"),
        vec![(user2_id, true)]
    );
}

async fn contract_subjects_order_and_live_flags(store: &Store) {
    for subject in ["b", "a", "B", "a_x", "a-x", "ä", "a"] {
        append(store, subject, record(subject)).await;
    }
    store
        .soft_delete("B", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    store
        .soft_delete("a", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    // Byte order, whatever the database locale.
    assert_eq!(
        store.subjects().await.expect("read"),
        vec![
            ("B".to_owned(), false),
            ("a".to_owned(), true),
            ("a-x".to_owned(), true),
            ("a_x".to_owned(), true),
            ("b".to_owned(), true),
            ("ä".to_owned(), true),
        ]
    );
}

async fn contract_all_versions_prefix_is_literal(store: &Store) {
    for subject in ["a%b", "axb", "a_c", "abc", "A%b", r"a\d", "b"] {
        append(store, subject, record(subject)).await;
    }
    append(store, "abc", record("abc2")).await;
    store
        .soft_delete("abc", &[1], ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("soft");
    let subjects = |rows: Vec<SubjectVersion>| -> Vec<(String, i32)> {
        rows.into_iter().map(|r| (r.subject, r.version)).collect()
    };
    let pairs = |items: &[(&str, i32)]| -> Vec<(String, i32)> {
        items.iter().map(|(s, v)| ((*s).to_owned(), *v)).collect()
    };
    assert_eq!(
        subjects(store.all_versions("a%").await.expect("read")),
        pairs(&[("a%b", 1)])
    );
    assert_eq!(
        subjects(store.all_versions("a_").await.expect("read")),
        pairs(&[("a_c", 1)])
    );
    assert_eq!(
        subjects(store.all_versions(r"a\").await.expect("read")),
        pairs(&[(r"a\d", 1)])
    );
    assert_eq!(
        subjects(store.all_versions("ab").await.expect("read")),
        pairs(&[("abc", 1), ("abc", 2)])
    );
    assert_eq!(
        subjects(store.all_versions("A").await.expect("read")),
        pairs(&[("A%b", 1)])
    );
    assert_eq!(
        subjects(store.all_versions("zzz").await.expect("read")),
        vec![]
    );
    let everything = store.all_versions("").await.expect("read");
    assert_eq!(
        subjects(everything.clone()),
        pairs(&[
            ("A%b", 1),
            ("a%b", 1),
            (r"a\d", 1),
            ("a_c", 1),
            ("abc", 1),
            ("abc", 2),
            ("axb", 1),
            ("b", 1),
        ])
    );
    assert!(
        everything
            .iter()
            .any(|r| r.subject == "abc" && r.version == 1 && r.deleted)
    );
    // Ids come along.
    let axb = store.all_versions("axb").await.expect("read");
    assert_eq!(axb, vec![sv("axb", 1, 2, false)]);
}

async fn contract_config(store: &Store) {
    let global = herald::model::GLOBAL_SCOPE;
    assert_eq!(store.config(global).await.expect("read"), None);
    let config = json!({"compatibilityLevel": "FULL", "normalize": true, "alias": "x"});
    store
        .put_config(global, &config, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    assert_eq!(store.config(global).await.expect("read"), Some(config));
    // Overwrite, keeping the written key order.
    let config = json!({"zz": 1, "compatibilityLevel": "NONE", "aa": {"b": 1, "a": 2}});
    store
        .put_config(global, &config, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    let read = store.config(global).await.expect("read").expect("config");
    assert_eq!(
        serde_json::to_string(&read).expect("json"),
        r#"{"zz":1,"compatibilityLevel":"NONE","aa":{"b":1,"a":2}}"#
    );
    // A subject scope is independent, also before the subject exists.
    let subject_config = json!({"compatibilityLevel": "BACKWARD"});
    store
        .put_config("orders", &subject_config, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    assert_eq!(
        store.config("orders").await.expect("read"),
        Some(subject_config)
    );
    store
        .delete_config(global, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("delete");
    assert_eq!(store.config(global).await.expect("read"), None);
    assert!(store.config("orders").await.expect("read").is_some());
    // Deleting what is not there is fine.
    store
        .delete_config(global, ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("delete");
}

/// Appends `schema` to `subject` as `actor`.
async fn append_as(store: &Store, actor: &str, subject: &str, schema: NewSchema) {
    let expected = store
        .subject_versions(subject)
        .await
        .expect("read versions")
        .last()
        .map(|v| v.version);
    let new = NewVersion {
        actor,
        ..version(subject, expected, schema)
    };
    let _ = store
        .insert_version(new)
        .await
        .map(Committed::unannounced)
        .expect("insert version");
}

/// A mixed history: registrations, a soft delete, a config, a mode and catalog writes by
/// three actors, one of the subjects spelled like a catalog target (`topic/orders`). The
/// pauses give most entries distinct times (SQLite keeps milliseconds).
async fn audit_history(store: &Store) {
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(4));
    append_as(store, "alice", "s-a", record("A1")).await;
    pause().await;
    append_as(store, "bob", "s-b", record("B1")).await;
    pause().await;
    let level = json!({"compatibilityLevel": "FULL"});
    store
        .put_config("s-a", &level, "alice")
        .await
        .map(Committed::unannounced)
        .expect("config");
    pause().await;
    store
        .soft_delete("s-b", &[1], "bob")
        .await
        .map(Committed::unannounced)
        .expect("soft");
    pause().await;
    append_as(store, "alice", "topic/orders", record("T1")).await;
    pause().await;
    let topic = CatalogWrite::Put {
        kind: "topic".into(),
        name: "orders".into(),
        document: json!({"name": "orders"}),
        action: "catalog.topic.created".into(),
    };
    let _ = store
        .write_catalog(0, &[topic], "bob")
        .await
        .map(Committed::unannounced)
        .expect("catalog");
    pause().await;
    store
        .put_mode("s-a", "READONLY", "carol")
        .await
        .map(Committed::unannounced)
        .expect("mode");
    for n in 0..5 {
        pause().await;
        append_as(store, "carol", "bulk", record(&format!("Bulk{n}"))).await;
    }
}

async fn audit(store: &Store, query: AuditQuery<'_>) -> Vec<AuditRecord> {
    store.audit_page(&query).await.expect("read audit")
}

fn everything() -> AuditQuery<'static> {
    AuditQuery {
        limit: 500,
        ..AuditQuery::default()
    }
}

/// What a filter must give, worked out from the whole trail in memory.
fn expect(all: &[AuditRecord], keep: impl Fn(&AuditRecord) -> bool) -> Vec<i64> {
    all.iter().filter(|e| keep(e)).map(|e| e.seq).collect()
}

fn seqs(entries: &[AuditRecord]) -> Vec<i64> {
    entries.iter().map(|e| e.seq).collect()
}

async fn contract_audit_trail_filters(store: &Store) {
    audit_history(store).await;
    let all = audit(store, everything()).await;
    assert_eq!(all.len(), 12, "every write left one entry: {all:?}");
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    assert!(
        all.windows(2).all(|w| w[0].at >= w[1].at),
        "times follow seq"
    );
    let newest = &all[0];
    assert_eq!(
        (newest.actor.as_str(), newest.target.as_str()),
        ("carol", "bulk")
    );
    assert_eq!(newest.details["version"], 5);

    let by_alice = audit(
        store,
        AuditQuery {
            actor: Some("alice"),
            ..everything()
        },
    )
    .await;
    assert_eq!(seqs(&by_alice), expect(&all, |e| e.actor == "alice"));
    assert_eq!(by_alice.len(), 3);
    // No prefix or case games on exact filters.
    assert!(
        audit(
            store,
            AuditQuery {
                actor: Some("ali"),
                ..everything()
            }
        )
        .await
        .is_empty()
    );
    assert!(
        audit(
            store,
            AuditQuery {
                actor: Some("Alice"),
                ..everything()
            }
        )
        .await
        .is_empty()
    );

    // The subject filter names registry changes only: the catalog topic `orders` (target
    // `topic/orders`) is not the subject `topic/orders`.
    let subject = audit(
        store,
        AuditQuery {
            subject: Some("topic/orders"),
            ..everything()
        },
    )
    .await;
    assert_eq!(subject.len(), 1, "{subject:?}");
    assert_eq!(subject[0].action, "schema.registered");
    let s_a = audit(
        store,
        AuditQuery {
            subject: Some("s-a"),
            ..everything()
        },
    )
    .await;
    assert_eq!(seqs(&s_a), expect(&all, |e| e.target == "s-a"));
    assert_eq!(
        s_a.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["mode.set", "config.set", "schema.registered"]
    );

    let exact = |action| AuditQuery {
        action: Some(ActionMatch::Exact(action)),
        ..everything()
    };
    let prefix = |action| AuditQuery {
        action: Some(ActionMatch::Prefix(action)),
        ..everything()
    };
    let registered = audit(store, exact("schema.registered")).await;
    assert_eq!(
        seqs(&registered),
        expect(&all, |e| e.action == "schema.registered")
    );
    assert_eq!(registered.len(), 8);
    assert!(
        audit(store, exact("schema.")).await.is_empty(),
        "exact is exact"
    );
    let catalog = audit(store, prefix("catalog.")).await;
    assert_eq!(
        seqs(&catalog),
        expect(&all, |e| e.action.starts_with("catalog."))
    );
    assert_eq!(catalog.len(), 1);
    assert_eq!(catalog[0].target, "topic/orders");
    let versions = audit(store, prefix("versions.")).await;
    assert_eq!(
        seqs(&versions),
        expect(&all, |e| e.action == "versions.deleted")
    );
    // A prefix is literal: `_` and `%` are no wildcards.
    assert!(audit(store, prefix("schema_")).await.is_empty());
    assert!(audit(store, prefix("%")).await.is_empty());

    // Filters combine.
    let combined = AuditQuery {
        actor: Some("alice"),
        subject: Some("s-a"),
        action: Some(ActionMatch::Prefix("config.")),
        ..everything()
    };
    let found = audit(store, combined).await;
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].actor.as_str(), found[0].action.as_str()),
        ("alice", "config.set")
    );
    let none = AuditQuery {
        actor: Some("bob"),
        subject: Some("s-a"),
        ..everything()
    };
    assert!(audit(store, none).await.is_empty());

    // Time ranges: `from` inclusive, `until` exclusive, in the stored format.
    let middle = all[all.len() / 2].at.clone();
    let from = audit(
        store,
        AuditQuery {
            from: Some(&middle),
            ..everything()
        },
    )
    .await;
    assert_eq!(seqs(&from), expect(&all, |e| e.at >= middle));
    let until = audit(
        store,
        AuditQuery {
            until: Some(&middle),
            ..everything()
        },
    )
    .await;
    assert_eq!(seqs(&until), expect(&all, |e| e.at < middle));
    assert_eq!(
        from.len() + until.len(),
        all.len(),
        "the two halves cover the trail"
    );
    assert!(
        !from.is_empty() && !until.is_empty(),
        "{middle} splits the trail"
    );
    let oldest = all[all.len() - 1].at.clone();
    let window = AuditQuery {
        from: Some(&oldest),
        until: Some(&middle),
        actor: Some("bob"),
        ..everything()
    };
    assert_eq!(
        seqs(&audit(store, window).await),
        expect(&all, |e| e.at >= oldest
            && e.at < middle
            && e.actor == "bob")
    );
    let future = AuditQuery {
        from: Some("9999-01-01T00:00:00.000Z"),
        ..everything()
    };
    assert!(audit(store, future).await.is_empty());
    let past = AuditQuery {
        until: Some("2000-01-01T00:00:00.000Z"),
        ..everything()
    };
    assert!(audit(store, past).await.is_empty());
}

/// Walks a query page by page with the `before` cursor; every page is newest first.
async fn walk(store: &Store, query: AuditQuery<'_>) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = seqs(
            &audit(
                store,
                AuditQuery {
                    before,
                    ..query.clone()
                },
            )
            .await,
        );
        let Some(&last) = page.last() else { break };
        assert!(page.len() as i64 <= query.limit);
        pages.push(page);
        before = Some(last);
        assert!(pages.len() <= 20, "paging ends");
    }
    pages
}

async fn contract_audit_trail_pages(store: &Store) {
    audit_history(store).await;
    let all = seqs(&audit(store, everything()).await);
    for limit in [1, 3, 5, 12, 13] {
        let pages = walk(
            store,
            AuditQuery {
                limit,
                ..AuditQuery::default()
            },
        )
        .await;
        assert_eq!(pages.concat(), all, "limit {limit}: no gap, no duplicate");
        assert_eq!(
            pages.len(),
            all.len().div_ceil(limit as usize),
            "limit {limit}"
        );
    }
    // Paging keeps the filter.
    let carol = AuditQuery {
        actor: Some("carol"),
        limit: 2,
        ..AuditQuery::default()
    };
    let pages = walk(store, carol).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2]);
    let everything_by_carol = AuditQuery {
        actor: Some("carol"),
        ..everything()
    };
    assert_eq!(
        pages.concat(),
        seqs(&audit(store, everything_by_carol).await)
    );
    // A cursor past the oldest entry is an empty page, not an error.
    let first = all.last().copied().expect("entries");
    assert!(
        audit(
            store,
            AuditQuery {
                before: Some(first),
                ..everything()
            }
        )
        .await
        .is_empty()
    );
    // Entries written after a walk started don't shift its later pages.
    let page_one = audit(
        store,
        AuditQuery {
            limit: 4,
            ..AuditQuery::default()
        },
    )
    .await;
    append_as(store, "dave", "late", record("Late")).await;
    let cursor = page_one.last().map(|e| e.seq);
    let page_two = seqs(
        &audit(
            store,
            AuditQuery {
                limit: 4,
                before: cursor,
                ..AuditQuery::default()
            },
        )
        .await,
    );
    assert_eq!(page_two, all[4..8]);
}

async fn contract_mode(store: &Store) {
    let global = herald::model::GLOBAL_SCOPE;
    assert_eq!(store.mode(global).await.expect("read"), None);
    assert_eq!(store.mode("orders").await.expect("read"), None);
    store
        .put_mode(global, "READWRITE", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    store
        .put_mode(global, "IMPORT", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    store
        .put_mode("orders", "READONLY", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    store
        .put_mode("a%", "READONLY", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("put");
    assert_eq!(
        store.mode(global).await.expect("read"),
        Some("IMPORT".to_owned())
    );
    assert_eq!(
        store.mode("orders").await.expect("read"),
        Some("READONLY".to_owned())
    );
    assert_eq!(store.mode("a").await.expect("read"), None);
    // `%` in a scope is literal.
    assert_eq!(
        store.mode("a%").await.expect("read"),
        Some("READONLY".to_owned())
    );
    store
        .delete_mode("orders", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("delete");
    assert_eq!(store.mode("orders").await.expect("read"), None);
    // Other scopes are untouched.
    assert_eq!(
        store.mode(global).await.expect("read"),
        Some("IMPORT".to_owned())
    );
    assert_eq!(
        store.mode("a%").await.expect("read"),
        Some("READONLY".to_owned())
    );
    store
        .delete_mode("orders", ACTOR)
        .await
        .map(Committed::unannounced)
        .expect("delete");
}

async fn contract_empty_store(store: &Store) {
    store.ping().await.expect("ping");
    assert_eq!(store.max_schema_id().await.expect("max"), 0);
    assert_eq!(store.subjects().await.expect("read"), vec![]);
    assert_eq!(store.all_versions("").await.expect("read"), vec![]);
    assert_eq!(store.schema(1).await.expect("read"), None);
    assert_eq!(store.referenced_by("x", 1).await.expect("read"), vec![]);
    assert_eq!(store.versions_of_schema(1).await.expect("read"), vec![]);
    // A store is a cheap handle: clones share the database.
    let clone = store.clone();
    append(&clone, "s", record("A")).await;
    assert_eq!(store.max_schema_id().await.expect("max"), 1);
    assert!(!format!("{store:?}").is_empty());
}

// ---------------------------------------------------------------------------------------
// Databases written before ids were bounded

/// Schema rows an unbounded registry could leave behind: an imported `i64::MAX` and the
/// id that wrapped after it.
const LEGACY_ROWS: &str = "INSERT INTO schemas (id, schema_type, identity, canonical_text)
     VALUES (9223372036854775807, 'AVRO', {max}, '\"int\"'),
            (-9223372036854775808, 'AVRO', {min}, '\"long\"')";

/// A store at `url` whose database holds [`LEGACY_ROWS`], written past the store's checks.
async fn store_with_legacy_rows(url: &str) -> Store {
    let store = Store::connect(url).await.expect("open store");
    let postgres = matches!(store, Store::Postgres(_));
    let blob = |byte: &str| {
        if postgres {
            format!("'\\x{}'::bytea", byte.repeat(16))
        } else {
            format!("X'{}'", byte.repeat(16))
        }
    };
    let sql = sqlx::AssertSqlSafe(
        LEGACY_ROWS
            .replace("{max}", &blob("01"))
            .replace("{min}", &blob("02")),
    );
    let written = if postgres {
        let pool = sqlx::PgPool::connect(url).await.expect("raw connection");
        sqlx::raw_sql(sql).execute(&pool).await.map(drop)
    } else {
        let pool = sqlx::SqlitePool::connect(url)
            .await
            .expect("raw connection");
        sqlx::raw_sql(sql).execute(&pool).await.map(drop)
    };
    written.expect("legacy rows");
    store
}

/// Allocation carries on from the highest id in range, so such rows don't stop it for good.
async fn allocation_ignores_legacy_rows(url: &str) {
    let store = store_with_legacy_rows(url).await;
    assert_eq!(
        append(&store, "after", record("A")).await,
        Registered { id: 1, version: 1 }
    );
    assert_eq!(
        append(&store, "after", record("B")).await,
        Registered { id: 2, version: 2 }
    );
}

#[tokio::test]
async fn sqlite_rows_out_of_range_from_before_the_bound_do_not_stop_allocation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("herald.db").display());
    allocation_ignores_legacy_rows(&url).await;
}

#[tokio::test]
async fn postgres_rows_out_of_range_from_before_the_bound_do_not_stop_allocation() {
    let Some(url) = pg_database().await else {
        return;
    };
    allocation_ignores_legacy_rows(&url).await;
}

// ---------------------------------------------------------------------------------------
// Backend choice

#[tokio::test]
async fn connect_rejects_unknown_schemes() {
    for url in ["mysql://root:hunter2@localhost/db", "herald.db", "http://x"] {
        let error = Store::connect(url).await.expect_err(url);
        assert!(matches!(error, StoreError::Database(_)), "{url}: {error}");
        let message = error.to_string();
        assert!(message.contains("postgres"), "{message}");
        assert!(!message.contains("hunter2"), "password leaked: {message}");
    }
}

#[tokio::test]
async fn postgres_outage_is_an_error_not_a_hang() {
    // Nothing listens on port 1: the connection is refused at once.
    let started = std::time::Instant::now();
    let error = Store::connect("postgres://herald@127.0.0.1:1/herald")
        .await
        .expect_err("no server");
    assert!(matches!(error, StoreError::Database(_)), "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

// ---------------------------------------------------------------------------------------
// Several nodes on one PostgreSQL database

const NODES: usize = 3;

/// `NODES` stores (each with its own pool, as separate processes would have) on one fresh
/// database, connected at the same moment so their migrations race.
async fn pg_nodes() -> Option<Vec<Arc<Store>>> {
    let url = pg_database().await?;
    let connects = (0..NODES).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { Store::connect(&url).await })
    });
    let mut nodes = Vec::new();
    for connect in connects.collect::<Vec<_>>() {
        let store = connect
            .await
            .expect("task")
            .expect("concurrent connect + migrate");
        nodes.push(Arc::new(store));
    }
    Some(nodes)
}

/// What the registry does: read, return the live version if the schema is already there,
/// else insert with the highest version seen, and start over on `Conflict`.
async fn register(store: &Store, subject: &str, schema: &NewSchema) -> (Registered, usize) {
    for attempt in 1..=500 {
        let versions = store.subject_versions(subject).await.expect("read");
        let existing = store
            .schema_id_by_identity(&schema.identity, schema.schema_type)
            .await
            .expect("read");
        if let Some(id) = existing
            && let Some(live) = versions.iter().find(|v| v.schema_id == id && !v.deleted)
        {
            let registered = Registered {
                id,
                version: live.version,
            };
            return (registered, attempt);
        }
        let new = version(subject, versions.last().map(|v| v.version), schema.clone());
        match store.insert_version(new).await.map(Committed::unannounced) {
            Ok(registered) => return (registered, attempt),
            Err(StoreError::Conflict) => tokio::task::yield_now().await,
            Err(other) => panic!("insert_version failed: {other}"),
        }
    }
    panic!("no progress after 500 attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pg_concurrency_same_schema_same_subject_gets_one_version() {
    let Some(nodes) = pg_nodes().await else {
        return;
    };
    let schema = record("Race");
    let barrier = Arc::new(tokio::sync::Barrier::new(30));
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let store = Arc::clone(&nodes[i % NODES]);
            let schema = schema.clone();
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                register(&store, "race-value", &schema).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let retries: usize = results.iter().map(|(_, attempts)| attempts - 1).sum();
    eprintln!("same schema, same subject: {retries} retries in total");
    assert!(
        results
            .iter()
            .all(|(r, _)| *r == Registered { id: 1, version: 1 }),
        "{results:?}"
    );
    let store = &nodes[0];
    assert_eq!(
        store.subject_versions("race-value").await.expect("read"),
        vec![row(1, 1, false)]
    );
    assert_eq!(store.max_schema_id().await.expect("max"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pg_concurrency_same_schema_many_subjects_gets_one_id() {
    let Some(nodes) = pg_nodes().await else {
        return;
    };
    let schema = record("Everywhere");
    let barrier = Arc::new(tokio::sync::Barrier::new(30));
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let store = Arc::clone(&nodes[i % NODES]);
            let schema = schema.clone();
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let subject = format!("subject-{i}");
                register(&store, &subject, &schema).await.0
            })
        })
        .collect();
    for task in tasks {
        let registered = task.await.expect("task");
        assert_eq!(registered, Registered { id: 1, version: 1 });
    }
    let store = &nodes[0];
    assert_eq!(store.max_schema_id().await.expect("max"), 1);
    assert_eq!(store.versions_of_schema(1).await.expect("read").len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pg_concurrency_distinct_schemas_get_contiguous_versions() {
    let Some(nodes) = pg_nodes().await else {
        return;
    };
    const PER_NODE: usize = 20;
    let barrier = Arc::new(tokio::sync::Barrier::new(NODES * PER_NODE));
    let mut tasks = Vec::new();
    for (n, node) in nodes.iter().enumerate() {
        for k in 0..PER_NODE {
            let store = Arc::clone(node);
            let barrier = Arc::clone(&barrier);
            let schema = record(&format!("N{n}S{k}"));
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let (registered, attempts) = register(&store, "busy-value", &schema).await;
                (schema.identity, registered, attempts)
            }));
        }
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let retries: usize = results.iter().map(|(_, _, attempts)| attempts - 1).sum();
    eprintln!("60 distinct schemas, one subject: {retries} retries in total");
    let total = (NODES * PER_NODE) as i32;
    let versions: BTreeSet<i32> = results.iter().map(|(_, r, _)| r.version).collect();
    assert_eq!(versions, (1..=total).collect::<BTreeSet<_>>());
    let ids: BTreeSet<i64> = results.iter().map(|(_, r, _)| r.id).collect();
    assert_eq!(ids.len(), NODES * PER_NODE);
    assert_eq!(ids, (1..=i64::from(total)).collect::<BTreeSet<_>>());

    let store = &nodes[0];
    let rows = store.subject_versions("busy-value").await.expect("read");
    assert_eq!(
        rows.iter().map(|r| r.version).collect::<Vec<_>>(),
        (1..=total).collect::<Vec<_>>()
    );
    // Every version holds the schema its writer was told it holds.
    for (identity, registered, _) in &results {
        let stored = rows
            .iter()
            .find(|r| r.version == registered.version)
            .expect("version stored");
        assert_eq!(stored.schema_id, registered.id);
        assert_eq!(
            store
                .schema_id_by_identity(identity, SchemaType::Avro)
                .await
                .expect("read"),
            Some(registered.id)
        );
    }
    assert_eq!(store.max_schema_id().await.expect("max"), i64::from(total));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_outage_after_connect_surfaces_database_errors() {
    // A cluster of its own, since this test stops it.
    let Some(cluster) = tokio::task::spawn_blocking(PgCluster::start)
        .await
        .expect("cluster start")
    else {
        return;
    };
    let url = cluster.create_database().await;
    let store = Store::connect(&url).await.expect("connect");
    append(&store, "s", record("A")).await;
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .expect("cluster stop");
    let started = std::time::Instant::now();
    // Each call waits at most the pool's acquire timeout (5 s) for a connection.
    let errors = [
        store.subject_versions("s").await.err(),
        store
            .insert_version(version("s", Some(1), record("B")))
            .await
            .map(Committed::unannounced)
            .err(),
    ];
    for error in errors {
        let error = error.expect("an error while the database is down");
        assert!(matches!(error, StoreError::Database(_)), "{error}");
    }
    let elapsed = started.elapsed();
    eprintln!("two calls during the outage failed after {elapsed:?}");
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "took {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Browsing: the read views of the HTML portal

mod browse {
    use super::*;
    use herald::storage::browse::{RegistryCounts, SubjectFilter, SubjectPage};

    contract_suite!(
        contract_subject_page_filters_and_pages,
        contract_subject_summary_follows_versions,
        contract_recent_audit_newest_first,
        contract_registry_counts,
        contract_referencing_versions,
    );

    fn typed(schema_type: SchemaType, text: &str) -> NewSchema {
        NewSchema {
            schema_type,
            identity: identity_of(text, 1),
            ..avro(text)
        }
    }

    fn all() -> SubjectFilter<'static> {
        SubjectFilter {
            fallback_compatibility: "BACKWARD",
            limit: 100,
            ..SubjectFilter::default()
        }
    }

    async fn names(store: &Store, filter: SubjectFilter<'_>) -> (i64, Vec<String>) {
        let page: SubjectPage = store.subject_page(&filter).await.expect("page");
        (
            page.total,
            page.rows.into_iter().map(|row| row.subject).collect(),
        )
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    async fn contract_subject_page_filters_and_pages(store: &Store) {
        for (subject, schema_type) in [
            ("shipments-value", SchemaType::Protobuf),
            ("orders-value", SchemaType::Avro),
            ("payments-value", SchemaType::Json),
            ("a_x", SchemaType::Json),
            ("a-x", SchemaType::Avro),
            ("b", SchemaType::Avro),
            ("Orders-key", SchemaType::Avro),
        ] {
            append(store, subject, typed(schema_type, subject)).await;
        }
        let second = append(store, "orders-value", typed(SchemaType::Avro, "orders v2")).await;
        store
            .put_config(
                "payments-value",
                &json!({"compatibilityLevel": "FULL"}),
                ACTOR,
            )
            .await
            .map(Committed::unannounced)
            .expect("config");
        store
            .put_config("b", &json!({"normalize": true}), ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("config");

        // Byte order, every subject with a live version.
        let everything = strings(&[
            "Orders-key",
            "a-x",
            "a_x",
            "b",
            "orders-value",
            "payments-value",
            "shipments-value",
        ]);
        assert_eq!(names(store, all()).await, (7, everything.clone()));
        let page = store.subject_page(&all()).await.expect("page");
        let orders = page
            .rows
            .iter()
            .find(|row| row.subject == "orders-value")
            .expect("orders-value listed");
        assert_eq!(orders.schema_type, SchemaType::Avro);
        assert_eq!(orders.latest_version, 2);
        assert_eq!(orders.latest_schema_id, second.id);
        assert_eq!(orders.live_versions, 2);
        assert_eq!(orders.own_compatibility, None);
        let at = orders.updated_at.as_bytes();
        assert!(
            at.len() >= 20 && at[10] == b'T' && orders.updated_at.ends_with('Z'),
            "RFC 3339 UTC: {}",
            orders.updated_at
        );
        let payments = page
            .rows
            .iter()
            .find(|row| row.subject == "payments-value")
            .expect("payments-value listed");
        assert_eq!(payments.own_compatibility.as_deref(), Some("FULL"));
        assert_eq!(payments.schema_type, SchemaType::Json);

        // Names: ASCII case-insensitive, literal (no LIKE wildcards).
        let by_name = |name| SubjectFilter {
            name_contains: name,
            ..all()
        };
        assert_eq!(
            names(store, by_name("ORDERS")).await,
            (2, strings(&["Orders-key", "orders-value"]))
        );
        assert_eq!(names(store, by_name("_")).await, (1, strings(&["a_x"])));
        assert_eq!(names(store, by_name("%")).await, (0, vec![]));

        let by_type = SubjectFilter {
            schema_type: Some(SchemaType::Json),
            ..all()
        };
        assert_eq!(
            names(store, by_type).await,
            (2, strings(&["a_x", "payments-value"]))
        );

        // A given set of subjects (a tag's), combined with the other filters.
        let chosen = strings(&["a_x", "orders-value", "not-there"]);
        let only = SubjectFilter {
            only: Some(&chosen),
            ..all()
        };
        assert_eq!(
            names(store, only).await,
            (2, strings(&["a_x", "orders-value"]))
        );
        let only_json = SubjectFilter {
            only: Some(&chosen),
            schema_type: Some(SchemaType::Json),
            ..all()
        };
        assert_eq!(names(store, only_json).await, (1, strings(&["a_x"])));
        let none: Vec<String> = Vec::new();
        let empty = SubjectFilter {
            only: Some(&none),
            ..all()
        };
        assert_eq!(names(store, empty).await, (0, vec![]));

        // Levels: a subject's own, else the fallback the caller names.
        let level = |level, fallback| SubjectFilter {
            compatibility: Some(level),
            fallback_compatibility: fallback,
            ..all()
        };
        assert_eq!(
            names(store, level("FULL", "BACKWARD")).await,
            (1, strings(&["payments-value"]))
        );
        assert_eq!(names(store, level("BACKWARD", "BACKWARD")).await.0, 6);
        assert_eq!(names(store, level("FULL", "FULL")).await.0, 7);
        assert_eq!(names(store, level("NONE", "BACKWARD")).await, (0, vec![]));

        let combined = SubjectFilter {
            name_contains: "A",
            schema_type: Some(SchemaType::Json),
            compatibility: Some("BACKWARD"),
            ..all()
        };
        assert_eq!(names(store, combined).await, (1, strings(&["a_x"])));

        // Pages keep the order; the total counts every match.
        let page_of = |offset, limit| SubjectFilter {
            offset,
            limit,
            ..all()
        };
        assert_eq!(
            names(store, page_of(0, 3)).await,
            (7, everything[..3].to_vec())
        );
        assert_eq!(
            names(store, page_of(3, 3)).await,
            (7, everything[3..6].to_vec())
        );
        assert_eq!(
            names(store, page_of(6, 3)).await,
            (7, everything[6..].to_vec())
        );
        assert_eq!(names(store, page_of(9, 3)).await, (7, vec![]));
    }

    async fn contract_subject_summary_follows_versions(store: &Store) {
        append(store, "s", typed(SchemaType::Avro, "v1")).await;
        append(store, "s", typed(SchemaType::Json, "v2")).await;
        let third = append(store, "s", typed(SchemaType::Avro, "v3")).await;
        let summary = |page: SubjectPage| page.rows.into_iter().next();
        let row = summary(store.subject_page(&all()).await.expect("page")).expect("listed");
        assert_eq!(
            (row.latest_version, row.latest_schema_id, row.live_versions),
            (3, third.id, 3)
        );

        // The latest live version moves back when the newest is soft-deleted.
        store
            .soft_delete("s", &[3], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");
        let row = summary(store.subject_page(&all()).await.expect("page")).expect("listed");
        assert_eq!(
            (row.latest_version, row.schema_type, row.live_versions),
            (2, SchemaType::Json, 2)
        );

        // No live version left: not listed.
        store
            .soft_delete("s", &[1, 2], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");
        assert_eq!(names(store, all()).await, (0, vec![]));

        // A new version brings it back; hard deletes of old versions leave it.
        let fourth = append(store, "s", typed(SchemaType::Protobuf, "v4")).await;
        assert_eq!(fourth.version, 4);
        store
            .hard_delete("s", &[1, 2, 3], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("hard");
        let row = summary(store.subject_page(&all()).await.expect("page")).expect("listed");
        assert_eq!(
            (row.latest_version, row.schema_type, row.live_versions),
            (4, SchemaType::Protobuf, 1)
        );
        store
            .soft_delete("s", &[4], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");
        store
            .hard_delete("s", &[4], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("hard");
        assert_eq!(names(store, all()).await, (0, vec![]));
    }

    async fn contract_recent_audit_newest_first(store: &Store) {
        assert_eq!(store.recent_audit(10).await.expect("read"), vec![]);
        append(store, "a", record("A")).await;
        store
            .put_config("a", &json!({"compatibilityLevel": "FULL"}), ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("config");
        store
            .soft_delete("a", &[1], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");

        let newest = store.recent_audit(2).await.expect("read");
        assert_eq!(newest.len(), 2);
        assert_eq!(newest[0].action, "versions.deleted");
        assert_eq!(newest[0].details, json!({"versions": [1]}));
        assert_eq!(newest[1].action, "config.set");
        assert!(newest[0].seq > newest[1].seq);
        for entry in &newest {
            assert_eq!(entry.actor, ACTOR);
            assert_eq!(entry.target, "a");
            assert!(
                entry.at.ends_with('Z') && entry.at.as_bytes()[10] == b'T',
                "{}",
                entry.at
            );
        }
        let everything = store.recent_audit(10).await.expect("read");
        assert_eq!(everything.len(), 3);
        assert_eq!(everything[2].action, "schema.registered");
        assert_eq!(everything[2].details, json!({"id": 1, "version": 1}));
    }

    async fn contract_registry_counts(store: &Store) {
        assert_eq!(
            store.registry_counts().await.expect("counts"),
            RegistryCounts::default()
        );
        append(store, "a", record("Shared")).await;
        append(store, "b", record("Shared")).await;
        append(store, "a", record("Other")).await;
        store
            .soft_delete("b", &[1], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");
        assert_eq!(
            store.registry_counts().await.expect("counts"),
            RegistryCounts {
                subjects: 1,
                schemas: 2,
                versions: 2,
            }
        );
    }

    async fn contract_referencing_versions(store: &Store) {
        append(store, "ref", record("Base")).await;
        let mut user = record("User");
        user.references = vec![Reference {
            name: "base.avsc".into(),
            subject: "ref".into(),
            version: 1,
        }];
        let user_id = append(store, "user", user.clone()).await.id;
        append(store, "user-copy", user).await;
        store
            .soft_delete("user-copy", &[1], ACTOR)
            .await
            .map(Committed::unannounced)
            .expect("soft");
        assert_eq!(
            store.referencing_versions("ref", 1).await.expect("read"),
            vec![
                sv("user", 1, user_id, false),
                sv("user-copy", 1, user_id, true)
            ]
        );
        assert_eq!(
            store.referencing_versions("ref", 2).await.expect("read"),
            vec![]
        );
        assert_eq!(
            store.referencing_versions("user", 1).await.expect("read"),
            vec![]
        );
    }
}

fn tally(
    day: i32,
    principal: &str,
    id: i64,
    subject: &str,
    seen: (i64, i64),
    count: i64,
) -> UsageTally {
    UsageTally {
        day,
        principal: principal.to_owned(),
        client: "python/2.6.1".to_owned(),
        address: "10.0.0.1".to_owned(),
        access: if subject.is_empty() { "id" } else { "latest" }.to_owned(),
        schema_id: id,
        subject: subject.to_owned(),
        version: i32::from(!subject.is_empty()),
        first_seen: seen.0,
        last_seen: seen.1,
        count,
    }
}

/// Tallies of the same key from several flushes (or nodes, flushing at once) add up; reads
/// sum over days and select by subject (and by id for reads without one), id and reader.
async fn contract_usage_tallies_add_up(store: &Store) {
    let day = 20_000;
    let ms = i64::from(day) * 86_400_000;
    let batch = vec![
        tally(day, "alice", 1, "", (ms + 10, ms + 20), 3),
        tally(day, "alice", 1, "s-value", (ms + 5, ms + 6), 1),
        tally(day, "bob", 2, "other-value", (ms + 7, ms + 8), 1),
    ];
    // Two nodes flushing the same keys at the same moment.
    let later = vec![
        tally(day, "alice", 1, "", (ms + 1, ms + 30), 2),
        tally(
            day + 1,
            "alice",
            1,
            "",
            (ms + 86_400_000, ms + 86_400_001),
            4,
        ),
    ];
    let (a, b) = tokio::join!(store.record_usage(&batch), store.record_usage(&later));
    a.expect("first flush");
    b.expect("second flush");
    let read = |scope: UsageScope| async {
        store
            .usage(&UsageQuery {
                scope,
                since: 0,
                limit: 100,
            })
            .await
            .expect("usage read")
    };
    let of_subject = read(UsageScope::Subject {
        subject: "s-value".to_owned(),
        schema_ids: vec![1],
    })
    .await;
    assert_eq!(of_subject.len(), 2, "{of_subject:?}");
    let by_id = of_subject
        .iter()
        .find(|r| r.subject.is_empty())
        .expect("the reads by id");
    assert_eq!(by_id.count, 3 + 2 + 4, "summed over flushes and days");
    assert_eq!(by_id.first_seen, ms + 1, "the earliest first sighting");
    assert_eq!(by_id.last_seen, ms + 86_400_001, "the latest last sighting");
    assert_eq!(read(UsageScope::SchemaId(2)).await.len(), 1);
    let bob = read(UsageScope::Readers {
        principals: vec!["bob".to_owned()],
        addresses: Vec::new(),
    })
    .await;
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0].subject, "other-value");
    assert_eq!(read(UsageScope::Everything).await.len(), 3);
    // Anonymous rows are found by address only.
    let nobody = read(UsageScope::Readers {
        principals: Vec::new(),
        addresses: vec!["10.0.0.1".to_owned()],
    })
    .await;
    assert!(nobody.is_empty(), "every row here has a principal");
    let daily = store
        .usage_daily(&UsageScope::SchemaId(1), i64::from(day))
        .await
        .expect("daily");
    assert_eq!(daily, vec![(i64::from(day), 6), (i64::from(day) + 1, 4)]);
    // Retention removes whole days before the first kept one.
    let removed = store.prune_usage(i64::from(day) + 1).await.expect("prune");
    assert_eq!(removed, 3);
    assert_eq!(read(UsageScope::Everything).await.len(), 1);
}
