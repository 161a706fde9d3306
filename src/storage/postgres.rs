//! The PostgreSQL backend: the same contract as [`super::sqlite::SqliteStore`], correct when
//! several Herald nodes share one database.
//!
//! Concurrency model (READ COMMITTED transactions, which see every commit made before each
//! statement starts):
//! - every write to a subject (or a settings scope) first takes a transaction-level advisory
//!   lock keyed by the subject's hash, so writers of one subject queue across all nodes and
//!   `MAX(version)` read after the lock is the true highest version;
//! - a new schema row is inserted only under a second, global transaction-level advisory lock,
//!   after looking the identity up again once the lock is held: a schema registered at the
//!   same moment through different nodes gets one id, and `MAX(id) + 1` cannot be handed out
//!   twice;
//! - the unique constraints stay the last line of defence: a unique violation (or a deadlock
//!   or serialization failure) while registering is answered with [`StoreError::Conflict`], on
//!   which the registry reads again and retries.
//!
//! Lock order is always subject lock, then id lock, so the two cannot deadlock. Advisory locks
//! use the two-key form, whose key space does not overlap the single-key one sqlx's migrator
//! locks with.

mod catalog;

use std::str::FromStr;
use std::time::Duration;

use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{FromRow, Postgres, QueryBuilder, Transaction};

use super::browse::{AuditRecord, RegistryCounts, SubjectFilter, SubjectPage, SubjectSummary};
use super::{
    AuditEntry, Change, NewVersion, Registered, StoreError, StoredSchema, SubjectVersion,
    VersionRow,
};
use crate::model::Reference;
use crate::model::SchemaType;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per node. Writers of one subject queue on a lock, not on connections, so a
/// modest pool is plenty; several nodes multiply it against the server's `max_connections`.
const MAX_CONNECTIONS: u32 = 10;
/// How long a caller waits for a connection (including establishing one) before the request
/// fails: a database outage yields errors, not hung requests.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Server-side bound on any one statement, lock waits included.
const STATEMENT_TIMEOUT: &str = "30s";

/// First key of the advisory locks that serialise writers of one subject or scope.
const SUBJECT_LOCK_CLASS: i32 = 0x4845_5201;
/// First key of the advisory lock that serialises the allocation of schema ids.
const ID_LOCK_CLASS: i32 = 0x4845_5202;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

#[derive(FromRow)]
struct SchemaRow {
    id: i64,
    schema_type: String,
    canonical_text: String,
    references_json: String,
    metadata_json: Option<String>,
    rule_set_json: Option<String>,
}

impl SchemaRow {
    fn into_schema(self) -> Result<StoredSchema, StoreError> {
        let schema_type = SchemaType::parse(&self.schema_type)
            .ok_or_else(|| StoreError::Corrupt(format!("schema type {}", self.schema_type)))?;
        Ok(StoredSchema {
            id: self.id,
            schema_type,
            canonical_text: self.canonical_text,
            references: parse_json(&self.references_json)?,
            metadata: self.metadata_json.as_deref().map(parse_json).transpose()?,
            rule_set: self.rule_set_json.as_deref().map(parse_json).transpose()?,
        })
    }
}

#[derive(FromRow)]
struct VersionDbRow {
    version: i32,
    schema_id: i64,
    deleted: bool,
}

#[derive(FromRow)]
struct SubjectVersionDbRow {
    subject: String,
    version: i32,
    schema_id: i64,
    deleted: bool,
}

impl From<SubjectVersionDbRow> for SubjectVersion {
    fn from(row: SubjectVersionDbRow) -> Self {
        Self {
            subject: row.subject,
            version: row.version,
            schema_id: row.schema_id,
            deleted: row.deleted,
        }
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Whether a failed write lost a race with another writer (and should be retried after a
/// fresh read) rather than hit a real problem.
fn lost_race(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                // serialization_failure, deadlock_detected
                || matches!(db.code().as_deref(), Some("40001" | "40P01"))
        }
        _ => false,
    }
}

const SCHEMA_COLUMNS: &str =
    "s.id, s.schema_type, s.canonical_text, s.references_json, s.metadata_json, s.rule_set_json";

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://` or `postgresql://`) and applies the
    /// embedded migrations. Several nodes may start at once: sqlx's migrator holds a
    /// session-level advisory lock (`pg_advisory_lock`, keyed by the database name) while it
    /// checks and applies migrations, so exactly one node applies them and the others wait,
    /// then find them applied.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("herald");
        // Migrate through a pool of its own, closed afterwards: if migrating fails half-way,
        // the migrator's session lock goes away with the connection instead of staying held
        // by one that the store's pool would hand out again.
        let migration_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        let migrated = MIGRATOR.run(&migration_pool).await;
        migration_pool.close().await;
        migrated.map_err(|e| StoreError::Database(e.into()))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // Not for migrations: they may legitimately wait for another node's.
            .connect_with(options.options([("statement_timeout", STATEMENT_TIMEOUT)]))
            .await?;
        Ok(Self { pool })
    }

    /// Every version of a subject, soft-deleted included, in ascending order.
    pub async fn subject_versions(&self, subject: &str) -> Result<Vec<VersionRow>, StoreError> {
        let rows: Vec<VersionDbRow> = sqlx::query_as(
            "SELECT version, schema_id, deleted FROM subject_versions
             WHERE subject = $1 ORDER BY version",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| VersionRow {
                version: r.version,
                schema_id: r.schema_id,
                deleted: r.deleted,
            })
            .collect())
    }

    /// A schema by id, only while at least one subject version (live or soft-deleted) uses it.
    pub async fn schema(&self, id: i64) -> Result<Option<StoredSchema>, StoreError> {
        let sql = format!(
            "SELECT {SCHEMA_COLUMNS} FROM schemas s WHERE s.id = $1
             AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)"
        );
        let row: Option<SchemaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(SchemaRow::into_schema).transpose()
    }

    /// Schemas whose identity digest is `identity` (Confluent's `guid`), still in use.
    pub async fn schemas_by_identity(
        &self,
        identity: &[u8; 16],
    ) -> Result<Vec<StoredSchema>, StoreError> {
        let sql = format!(
            "SELECT {SCHEMA_COLUMNS} FROM schemas s WHERE s.identity = $1
             AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)
             ORDER BY s.id"
        );
        let rows: Vec<SchemaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(identity.as_slice())
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(SchemaRow::into_schema).collect()
    }

    /// The id of an identical schema stored before, if any.
    pub async fn schema_id_by_identity(
        &self,
        identity: &[u8; 16],
        schema_type: SchemaType,
    ) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM schemas WHERE identity = $1 AND schema_type = $2")
                .bind(identity.as_slice())
                .bind(schema_type.as_str())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// All subjects in name order, each with whether it has a live version.
    pub async fn subjects(&self) -> Result<Vec<(String, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT subject, bool_or(NOT deleted) AS live FROM subject_versions
             GROUP BY subject ORDER BY subject",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The subject versions bound to a schema id.
    pub async fn versions_of_schema(&self, id: i64) -> Result<Vec<SubjectVersion>, StoreError> {
        let rows: Vec<SubjectVersionDbRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted FROM subject_versions
             WHERE schema_id = $1 ORDER BY subject, version",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Every subject version whose subject starts with `prefix`, by subject then version.
    /// The prefix is literal (`%` and `_` are not patterns).
    pub async fn all_versions(&self, prefix: &str) -> Result<Vec<SubjectVersion>, StoreError> {
        let rows: Vec<SubjectVersionDbRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted FROM subject_versions
             WHERE starts_with(subject, $1) ORDER BY subject, version",
        )
        .bind(prefix)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Schemas that reference `subject` `version`, each with whether it still has a live
    /// version somewhere.
    pub async fn referenced_by(
        &self,
        subject: &str,
        version: i32,
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.schema_id,
                    EXISTS (SELECT 1 FROM subject_versions v
                            WHERE v.schema_id = r.schema_id AND NOT v.deleted) AS live
             FROM schema_references r
             WHERE r.ref_subject = $1 AND r.ref_version = $2
               AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = r.schema_id)
             ORDER BY r.schema_id",
        )
        .bind(subject)
        .bind(version)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Binds a schema to a subject as its next version, allocating the id and the version
    /// inside one transaction. Refused with [`StoreError::Conflict`] when the subject's
    /// highest version is no longer `expected_max_version`, or when the write lost a race
    /// that only a fresh read can settle.
    pub async fn insert_version(&self, new: NewVersion<'_>) -> Result<Registered, StoreError> {
        match self.try_insert_version(&new).await {
            Err(StoreError::Database(e)) if lost_race(&e) => Err(StoreError::Conflict),
            other => other,
        }
    }

    async fn try_insert_version(&self, new: &NewVersion<'_>) -> Result<Registered, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_subject(&mut tx, new.subject).await?;
        let max_version: Option<i32> =
            sqlx::query_scalar("SELECT MAX(version) FROM subject_versions WHERE subject = $1")
                .bind(new.subject)
                .fetch_one(&mut *tx)
                .await?;
        if max_version != new.expected_max_version {
            return Err(StoreError::Conflict);
        }
        let id = find_or_insert_schema(&mut tx, new).await?;
        let version = match new.explicit_version {
            Some(version) => {
                let taken: Option<i64> = sqlx::query_scalar(
                    "SELECT schema_id FROM subject_versions WHERE subject = $1 AND version = $2",
                )
                .bind(new.subject)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
                if taken.is_some() {
                    return Err(StoreError::VersionTaken(version));
                }
                version
            }
            None => max_version.unwrap_or(0) + 1,
        };
        sqlx::query(
            "INSERT INTO subject_versions (subject, version, schema_id) VALUES ($1, $2, $3)",
        )
        .bind(new.subject)
        .bind(version)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // Confluent drops older soft-deleted versions of the same schema in this subject
        // when it comes back, unless something still references them.
        sqlx::query(
            "DELETE FROM subject_versions v
             WHERE v.subject = $1 AND v.schema_id = $2 AND v.deleted AND v.version < $3
               AND NOT EXISTS (SELECT 1 FROM schema_references r
                               WHERE r.ref_subject = $1 AND r.ref_version = v.version)",
        )
        .bind(new.subject)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor: new.actor,
            action: "schema.registered",
            target: new.subject,
            details: serde_json::json!({"id": id, "version": version}),
        };
        append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(Registered { id, version })
    }

    /// Marks versions soft-deleted.
    pub async fn soft_delete(
        &self,
        subject: &str,
        versions: &[i32],
        actor: &str,
    ) -> Result<(), StoreError> {
        self.delete_versions(subject, versions, actor, false).await
    }

    /// Removes versions for good. The schema rows stay, so the same schema registered again
    /// later gets its old id back (Karapace behaviour, acceptable to Confluent clients).
    pub async fn hard_delete(
        &self,
        subject: &str,
        versions: &[i32],
        actor: &str,
    ) -> Result<(), StoreError> {
        self.delete_versions(subject, versions, actor, true).await
    }

    async fn delete_versions(
        &self,
        subject: &str,
        versions: &[i32],
        actor: &str,
        permanent: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_subject(&mut tx, subject).await?;
        let sql = if permanent {
            "DELETE FROM subject_versions WHERE subject = $1 AND version = ANY($2)"
        } else {
            "UPDATE subject_versions SET deleted = TRUE WHERE subject = $1 AND version = ANY($2)"
        };
        sqlx::query(sql)
            .bind(subject)
            .bind(versions)
            .execute(&mut *tx)
            .await?;
        let remaining: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM subject_versions WHERE subject = $1")
                .bind(subject)
                .fetch_one(&mut *tx)
                .await?;
        if permanent && remaining == 0 {
            for table in ["configs", "modes"] {
                let sql = format!("DELETE FROM {table} WHERE scope = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let entry = AuditEntry {
            actor,
            action: if permanent {
                super::ACTION_DELETED_PERMANENTLY
            } else {
                "versions.deleted"
            },
            target: subject,
            details: serde_json::json!({ "versions": versions }),
        };
        append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored config JSON of a scope (a subject or [`crate::model::GLOBAL_SCOPE`]).
    pub async fn config(&self, scope: &str) -> Result<Option<Value>, StoreError> {
        self.setting("configs", "config_json", scope)
            .await?
            .as_deref()
            .map(parse_json)
            .transpose()
    }

    pub async fn put_config(
        &self,
        scope: &str,
        config: &Value,
        actor: &str,
    ) -> Result<(), StoreError> {
        self.put_setting("configs", "config_json", scope, &to_json(config)?, actor)
            .await
    }

    pub async fn delete_config(&self, scope: &str, actor: &str) -> Result<(), StoreError> {
        self.delete_setting("configs", scope, actor).await
    }

    /// The stored mode of a scope.
    pub async fn mode(&self, scope: &str) -> Result<Option<String>, StoreError> {
        self.setting("modes", "mode", scope).await
    }

    pub async fn put_mode(&self, scope: &str, mode: &str, actor: &str) -> Result<(), StoreError> {
        self.put_setting("modes", "mode", scope, mode, actor).await
    }

    pub async fn delete_mode(&self, scope: &str, actor: &str) -> Result<(), StoreError> {
        self.delete_setting("modes", scope, actor).await
    }

    async fn setting(
        &self,
        table: &str,
        column: &str,
        scope: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT {column} FROM {table} WHERE scope = $1");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn put_setting(
        &self,
        table: &str,
        column: &str,
        scope: &str,
        value: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Same queue as the subject's version writes, so a setting cannot slip in beside the
        // hard delete of the subject's last version (which removes its settings).
        lock_subject(&mut tx, scope).await?;
        let sql = format!(
            "INSERT INTO {table} (scope, {column}) VALUES ($1, $2)
             ON CONFLICT (scope) DO UPDATE SET {column} = EXCLUDED.{column}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry {
            actor,
            action: if table == "configs" {
                "config.set"
            } else {
                "mode.set"
            },
            target: scope,
            details: serde_json::json!({ "value": value }),
        };
        append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_setting(
        &self,
        table: &str,
        scope: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_subject(&mut tx, scope).await?;
        let sql = format!("DELETE FROM {table} WHERE scope = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry {
            actor,
            action: if table == "configs" {
                "config.deleted"
            } else {
                "mode.deleted"
            },
            target: scope,
            details: Value::Object(serde_json::Map::new()),
        };
        append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The highest schema id ever allocated.
    pub async fn max_schema_id(&self) -> Result<i64, StoreError> {
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
            .fetch_one(&self.pool)
            .await?;
        Ok(max.unwrap_or(0))
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// One page of subjects with a live version matching `filter`, in name order, and how
    /// many match in all.
    pub async fn subject_page(
        &self,
        filter: &SubjectFilter<'_>,
    ) -> Result<SubjectPage, StoreError> {
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM subject_summary ss");
        push_subject_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        // Page the names first, so the per-row lookups run for the page only.
        let mut page = QueryBuilder::<Postgres>::new(
            "SELECT p.subject, p.schema_type, p.latest_version, p.latest_schema_id,
                    p.live_versions::BIGINT AS live_versions,
                    to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
                        AS updated_at,
                    c.config_json::json ->> 'compatibilityLevel' AS own_compatibility
             FROM (SELECT ss.* FROM subject_summary ss",
        );
        push_subject_filter(&mut page, filter);
        page.push(" ORDER BY ss.subject LIMIT ")
            .push_bind(filter.limit)
            .push(" OFFSET ")
            .push_bind(filter.offset)
            .push(
                ") p LEFT JOIN configs c ON c.scope = p.subject
                 ORDER BY p.subject",
            );
        let rows: Vec<SubjectSummaryRow> = page.build_query_as().fetch_all(&self.pool).await?;
        Ok(SubjectPage {
            total,
            rows: rows
                .into_iter()
                .map(SubjectSummaryRow::into_summary)
                .collect::<Result<_, _>>()?,
        })
    }

    /// The newest `limit` audit entries, newest first.
    pub async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows: Vec<AuditDbRow> = sqlx::query_as(
            "SELECT seq,
                    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at,
                    actor, action, target, details::text AS details
             FROM audit_log ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(AuditDbRow::into_record).collect()
    }

    /// How many subjects, schemas and live versions the registry holds.
    pub async fn registry_counts(&self) -> Result<RegistryCounts, StoreError> {
        let (subjects, schemas, versions): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM subject_summary),
                    (SELECT COUNT(DISTINCT schema_id) FROM subject_versions),
                    (SELECT COALESCE(SUM(live_versions), 0)::BIGINT FROM subject_summary)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(RegistryCounts {
            subjects,
            schemas,
            versions,
        })
    }

    /// The subject versions (live or soft-deleted) whose schema references `subject`
    /// `version`, by subject then version.
    pub async fn referencing_versions(
        &self,
        subject: &str,
        version: i32,
    ) -> Result<Vec<SubjectVersion>, StoreError> {
        let rows: Vec<SubjectVersionDbRow> = sqlx::query_as(
            "SELECT DISTINCT v.subject, v.version, v.schema_id, v.deleted
             FROM schema_references r JOIN subject_versions v ON v.schema_id = r.schema_id
             WHERE r.ref_subject = $1 AND r.ref_version = $2
             ORDER BY v.subject, v.version",
        )
        .bind(subject)
        .bind(version)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// Queues this transaction behind every other writer of `subject` (on any node) until it
/// ends. Subjects whose hashes collide merely share a queue.
async fn lock_subject(
    tx: &mut Transaction<'static, Postgres>,
    subject: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(SUBJECT_LOCK_CLASS)
        .bind(subject)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queues this transaction behind every other transaction creating a schema row until it
/// ends.
async fn lock_ids(tx: &mut Transaction<'static, Postgres>) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
        .bind(ID_LOCK_CLASS)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn existing_schema_id(
    tx: &mut Transaction<'static, Postgres>,
    new: &NewVersion<'_>,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM schemas WHERE identity = $1 AND schema_type = $2")
            .bind(new.schema.identity.as_slice())
            .bind(new.schema.schema_type.as_str())
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// The id of the identical schema if stored before, else a new row with the next id (or the
/// IMPORT id).
async fn find_or_insert_schema(
    tx: &mut Transaction<'static, Postgres>,
    new: &NewVersion<'_>,
) -> Result<i64, StoreError> {
    let reuse = |id: i64| match new.explicit_id {
        Some(wanted) if wanted != id => Err(StoreError::IdTaken(wanted)),
        _ => Ok(id),
    };
    // Schema rows are never deleted, so a committed row found without the lock is final.
    if let Some(id) = existing_schema_id(tx, new).await? {
        return reuse(id);
    }
    lock_ids(tx).await?;
    // Look again: another node may have stored the same schema while this one waited.
    if let Some(id) = existing_schema_id(tx, new).await? {
        return reuse(id);
    }
    let schema = &new.schema;
    let id = match new.explicit_id {
        Some(wanted) => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE id = $1")
                .bind(wanted)
                .fetch_optional(&mut **tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::IdTaken(wanted));
            }
            wanted
        }
        None => {
            let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
                .fetch_one(&mut **tx)
                .await?;
            max.unwrap_or(0) + 1
        }
    };
    sqlx::query(
        "INSERT INTO schemas (id, schema_type, identity, canonical_text, references_json,
                              metadata_json, rule_set_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(schema.schema_type.as_str())
    .bind(schema.identity.as_slice())
    .bind(&schema.canonical_text)
    .bind(to_json(&schema.references)?)
    .bind(schema.metadata.as_ref().map(to_json).transpose()?)
    .bind(schema.rule_set.as_ref().map(to_json).transpose()?)
    .execute(&mut **tx)
    .await?;
    for reference in &schema.references {
        insert_reference(tx, id, reference).await?;
    }
    Ok(id)
}

async fn insert_reference(
    tx: &mut Transaction<'static, Postgres>,
    schema_id: i64,
    reference: &Reference,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO schema_references (schema_id, name, ref_subject, ref_version)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(schema_id)
    .bind(&reference.name)
    .bind(&reference.subject)
    .bind(reference.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the change and tells every node (delivered when the transaction commits, not
/// before, and not at all if it rolls back).
async fn append_audit(
    tx: &mut Transaction<'static, Postgres>,
    entry: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)")
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(sqlx::types::Json(&entry.details))
        .execute(&mut **tx)
        .await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANGES_CHANNEL)
        .bind(entry.action)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The NOTIFY channel every write announces itself on.
const CHANGES_CHANNEL: &str = "herald_changes";

/// How long to wait before listening again after the listener failed.
const RELISTEN_DELAY: Duration = Duration::from_millis(500);

impl PostgresStore {
    /// Listens for changes committed by any node and calls `on_change` for each, until it
    /// returns false. Each time listening (re)starts it reports [`Change::Unknown`], since
    /// notifications may have been missed before, so callers drop everything they cached.
    /// While the database is unreachable nothing is reported: nothing can change then, and
    /// warm caches keep serving reads.
    pub fn spawn_change_watcher(
        &self,
        on_change: impl Fn(Change) -> bool + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            loop {
                let keep_going = match listen(&pool, &on_change).await {
                    Ok(keep_going) => keep_going,
                    Err(error) => {
                        tracing::warn!(%error, "change listener lost; listening again");
                        true
                    }
                };
                if !keep_going {
                    return;
                }
                tokio::time::sleep(RELISTEN_DELAY).await;
            }
        })
    }
}

/// One listening session: returns Ok(false) when the caller wants no more changes,
/// Ok(true) when the connection was lost and listening should start again.
async fn listen(
    pool: &PgPool,
    on_change: &(impl Fn(Change) -> bool + Send + Sync),
) -> Result<bool, StoreError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    // Anything may have happened while nobody listened.
    if !on_change(Change::Unknown) {
        return Ok(false);
    }
    loop {
        let change = match listener.try_recv().await? {
            Some(notification) => Change::from_action(notification.payload()),
            // The connection dropped: listen again (and then drop the caches, since
            // notifications may have been missed meanwhile).
            None => return Ok(true),
        };
        if !on_change(change) {
            return Ok(false);
        }
    }
}

/// Appends the `WHERE` clause of a subject listing (`ss` is `subject_summary`).
fn push_subject_filter(query: &mut QueryBuilder<Postgres>, filter: &SubjectFilter<'_>) {
    let mut separator = " WHERE ";
    let needle = filter.name_contains.to_ascii_lowercase();
    if !needle.is_empty() {
        query
            .push(separator)
            .push("strpos(lower(ss.subject), ")
            .push_bind(needle)
            .push(") > 0");
        separator = " AND ";
    }
    if let Some(schema_type) = filter.schema_type {
        query
            .push(separator)
            .push("ss.schema_type = ")
            .push_bind(schema_type.as_str());
        separator = " AND ";
    }
    // Both forms read the (small) configs table once instead of once per subject.
    if let Some(level) = filter.compatibility {
        let (membership, comparison) = if level == filter.fallback_compatibility {
            // The fallback level: every subject but those with another level of their own.
            ("NOT IN", "<>")
        } else {
            // Any other level: only subjects that set it themselves.
            ("IN", "=")
        };
        query
            .push(separator)
            .push(format_args!(
                "ss.subject {membership} (SELECT c.scope FROM configs c
                    WHERE (c.config_json::json ->> 'compatibilityLevel') {comparison} "
            ))
            .push_bind(level.to_owned())
            .push(")");
        separator = " AND ";
    }
    if let Some(only) = filter.only {
        query
            .push(separator)
            .push("ss.subject = ANY(")
            .push_bind(only.to_vec())
            .push(")");
    }
}

#[derive(FromRow)]
struct SubjectSummaryRow {
    subject: String,
    schema_type: String,
    latest_version: i32,
    latest_schema_id: i64,
    live_versions: i64,
    updated_at: String,
    own_compatibility: Option<String>,
}

impl SubjectSummaryRow {
    fn into_summary(self) -> Result<SubjectSummary, StoreError> {
        Ok(SubjectSummary {
            schema_type: SchemaType::parse(&self.schema_type)
                .ok_or_else(|| StoreError::Corrupt(format!("schema type {}", self.schema_type)))?,
            subject: self.subject,
            latest_version: self.latest_version,
            latest_schema_id: self.latest_schema_id,
            live_versions: self.live_versions,
            own_compatibility: self.own_compatibility,
            updated_at: self.updated_at,
        })
    }
}

#[derive(FromRow)]
struct AuditDbRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    details: String,
}

impl AuditDbRow {
    fn into_record(self) -> Result<AuditRecord, StoreError> {
        Ok(AuditRecord {
            details: parse_json(&self.details)?,
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action: self.action,
            target: self.target,
        })
    }
}
