//! The embedded SQLite backend: one file, WAL, every write a real commit before it is
//! acknowledged.
//!
//! Writes go through a pool of exactly one connection, so they are serialised without
//! relying on SQLite's busy retries; reads use their own pool and run beside the writer
//! thanks to WAL.

mod catalog;

use std::str::FromStr;
use std::time::Duration;

use serde_json::Value;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{FromRow, Sqlite, Transaction};

use super::browse::{AuditRecord, RegistryCounts, SubjectFilter, SubjectPage, SubjectSummary};
use super::{
    AuditEntry, NewVersion, Registered, StoreError, StoredSchema, SubjectVersion, VersionRow,
};
use crate::model::Reference;
use crate::model::SchemaType;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
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

const SCHEMA_COLUMNS: &str =
    "s.id, s.schema_type, s.canonical_text, s.references_json, s.metadata_json, s.rule_set_json";

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and applies the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { reader, writer })
    }

    /// Every version of a subject, soft-deleted included, in ascending order.
    pub async fn subject_versions(&self, subject: &str) -> Result<Vec<VersionRow>, StoreError> {
        let rows: Vec<VersionDbRow> = sqlx::query_as(
            "SELECT version, schema_id, deleted FROM subject_versions
             WHERE subject = ? ORDER BY version",
        )
        .bind(subject)
        .fetch_all(&self.reader)
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
            "SELECT {SCHEMA_COLUMNS} FROM schemas s WHERE s.id = ?
             AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)"
        );
        let row: Option<SchemaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(SchemaRow::into_schema).transpose()
    }

    /// Schemas whose identity digest is `identity` (Confluent's `guid`), still in use.
    pub async fn schemas_by_identity(
        &self,
        identity: &[u8; 16],
    ) -> Result<Vec<StoredSchema>, StoreError> {
        let sql = format!(
            "SELECT {SCHEMA_COLUMNS} FROM schemas s WHERE s.identity = ?
             AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)
             ORDER BY s.id"
        );
        let rows: Vec<SchemaRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(identity.as_slice())
            .fetch_all(&self.reader)
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
            sqlx::query_scalar("SELECT id FROM schemas WHERE identity = ? AND schema_type = ?")
                .bind(identity.as_slice())
                .bind(schema_type.as_str())
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    /// All subjects in name order, each with whether it has a live version.
    pub async fn subjects(&self) -> Result<Vec<(String, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT subject, MAX(deleted = 0) AS live FROM subject_versions
             GROUP BY subject ORDER BY subject",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// The subject versions bound to a schema id.
    pub async fn versions_of_schema(&self, id: i64) -> Result<Vec<SubjectVersion>, StoreError> {
        let rows: Vec<SubjectVersionDbRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted FROM subject_versions
             WHERE schema_id = ? ORDER BY subject, version",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Every subject version whose subject starts with `prefix`, by subject then version.
    pub async fn all_versions(&self, prefix: &str) -> Result<Vec<SubjectVersion>, StoreError> {
        let rows: Vec<SubjectVersionDbRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted FROM subject_versions
             WHERE substr(subject, 1, length(?1)) = ?1 ORDER BY subject, version",
        )
        .bind(prefix)
        .fetch_all(&self.reader)
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
                            WHERE v.schema_id = r.schema_id AND v.deleted = 0) AS live
             FROM schema_references r
             WHERE r.ref_subject = ? AND r.ref_version = ?
               AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = r.schema_id)
             ORDER BY r.schema_id",
        )
        .bind(subject)
        .bind(version)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Binds a schema to a subject as its next version, allocating the id and the version
    /// inside one transaction. Refused with [`StoreError::Conflict`] when the subject's
    /// highest version is no longer `expected_max_version`.
    pub async fn insert_version(&self, new: NewVersion<'_>) -> Result<Registered, StoreError> {
        let mut tx = self.writer.begin().await?;
        let max_version: Option<i32> =
            sqlx::query_scalar("SELECT MAX(version) FROM subject_versions WHERE subject = ?")
                .bind(new.subject)
                .fetch_one(&mut *tx)
                .await?;
        if max_version != new.expected_max_version {
            return Err(StoreError::Conflict);
        }
        let id = find_or_insert_schema(&mut tx, &new).await?;
        let version = match new.explicit_version {
            Some(version) => {
                let taken: Option<i64> = sqlx::query_scalar(
                    "SELECT schema_id FROM subject_versions WHERE subject = ? AND version = ?",
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
        sqlx::query("INSERT INTO subject_versions (subject, version, schema_id) VALUES (?, ?, ?)")
            .bind(new.subject)
            .bind(version)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // Confluent drops older soft-deleted versions of the same schema in this subject
        // when it comes back, unless something still references them.
        sqlx::query(
            "DELETE FROM subject_versions
             WHERE subject = ?1 AND schema_id = ?2 AND deleted = 1 AND version < ?3
               AND NOT EXISTS (SELECT 1 FROM schema_references r
                               WHERE r.ref_subject = ?1 AND r.ref_version = subject_versions.version)",
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
        let mut tx = self.writer.begin().await?;
        let sql = if permanent {
            "DELETE FROM subject_versions WHERE subject = ? AND version = ?"
        } else {
            "UPDATE subject_versions SET deleted = 1 WHERE subject = ? AND version = ?"
        };
        for version in versions {
            sqlx::query(sql)
                .bind(subject)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        let remaining: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM subject_versions WHERE subject = ?")
                .bind(subject)
                .fetch_one(&mut *tx)
                .await?;
        if permanent && remaining == 0 {
            for table in ["configs", "modes"] {
                let sql = format!("DELETE FROM {table} WHERE scope = ?");
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
        let sql = format!("SELECT {column} FROM {table} WHERE scope = ?");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .fetch_optional(&self.reader)
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
        let mut tx = self.writer.begin().await?;
        let sql = format!(
            "INSERT INTO {table} (scope, {column}) VALUES (?, ?)
             ON CONFLICT (scope) DO UPDATE SET {column} = excluded.{column}"
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
        let mut tx = self.writer.begin().await?;
        let sql = format!("DELETE FROM {table} WHERE scope = ?");
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
            .fetch_one(&self.reader)
            .await?;
        Ok(max.unwrap_or(0))
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// One page of subjects with a live version matching `filter`, in name order, and how
    /// many match in all.
    pub async fn subject_page(
        &self,
        filter: &SubjectFilter<'_>,
    ) -> Result<SubjectPage, StoreError> {
        let needle = filter.name_contains.to_ascii_lowercase();
        let mut conditions = Vec::new();
        if !needle.is_empty() {
            conditions.push("instr(lower(ss.subject), ?1) > 0");
        }
        if filter.schema_type.is_some() {
            conditions.push("ss.schema_type = ?2");
        }
        // Both forms read the (small) configs table once instead of once per subject.
        match filter.compatibility {
            // The fallback level: every subject but those with another level of their own.
            Some(level) if level == filter.fallback_compatibility => conditions.push(
                "ss.subject NOT IN (SELECT c.scope FROM configs c
                    WHERE json_extract(c.config_json, '$.compatibilityLevel') <> ?3)",
            ),
            // Any other level: only subjects that set it themselves.
            Some(_) => conditions.push(
                "ss.subject IN (SELECT c.scope FROM configs c
                    WHERE json_extract(c.config_json, '$.compatibilityLevel') = ?3)",
            ),
            None => {}
        }
        if filter.only.is_some() {
            conditions.push("ss.subject IN (SELECT value FROM json_each(?7))");
        }
        let only = filter.only.map(|subjects| to_json(&subjects)).transpose()?;
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) FROM subject_summary ss {filter_sql}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(&needle)
            .bind(filter.schema_type.map(SchemaType::as_str))
            .bind(filter.compatibility)
            .bind(filter.fallback_compatibility)
            .bind(filter.limit)
            .bind(filter.offset)
            .bind(&only)
            .fetch_one(&self.reader)
            .await?;
        // Page the names first, so the per-row lookups run for the page only.
        let page_sql = format!(
            "SELECT p.subject, p.schema_type, p.latest_version, p.latest_schema_id,
                    p.live_versions, p.updated_at,
                    json_extract(c.config_json, '$.compatibilityLevel') AS own_compatibility
             FROM (SELECT ss.* FROM subject_summary ss {filter_sql}
                   ORDER BY ss.subject LIMIT ?5 OFFSET ?6) p
             LEFT JOIN configs c ON c.scope = p.subject
             ORDER BY p.subject"
        );
        let rows: Vec<SubjectSummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(page_sql))
            .bind(&needle)
            .bind(filter.schema_type.map(SchemaType::as_str))
            .bind(filter.compatibility)
            .bind(filter.fallback_compatibility)
            .bind(filter.limit)
            .bind(filter.offset)
            .bind(&only)
            .fetch_all(&self.reader)
            .await?;
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
            "SELECT seq, at, actor, action, target, details FROM audit_log
             ORDER BY seq DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(AuditDbRow::into_record).collect()
    }

    /// How many subjects, schemas and live versions the registry holds.
    pub async fn registry_counts(&self) -> Result<RegistryCounts, StoreError> {
        let (subjects, schemas, versions): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM subject_summary),
                    (SELECT COUNT(DISTINCT schema_id) FROM subject_versions),
                    (SELECT COALESCE(SUM(live_versions), 0) FROM subject_summary)",
        )
        .fetch_one(&self.reader)
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
             WHERE r.ref_subject = ? AND r.ref_version = ?
             ORDER BY v.subject, v.version",
        )
        .bind(subject)
        .bind(version)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// The id of the identical schema if stored before, else a new row with the next id (or the
/// IMPORT id).
async fn find_or_insert_schema(
    tx: &mut Transaction<'static, Sqlite>,
    new: &NewVersion<'_>,
) -> Result<i64, StoreError> {
    let schema = &new.schema;
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM schemas WHERE identity = ? AND schema_type = ?")
            .bind(schema.identity.as_slice())
            .bind(schema.schema_type.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(id) = existing {
        return match new.explicit_id {
            Some(wanted) if wanted != id => Err(StoreError::IdTaken(wanted)),
            _ => Ok(id),
        };
    }
    let id = match new.explicit_id {
        Some(wanted) => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE id = ?")
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
         VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    tx: &mut Transaction<'static, Sqlite>,
    schema_id: i64,
    reference: &Reference,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT OR IGNORE INTO schema_references (schema_id, name, ref_subject, ref_version)
         VALUES (?, ?, ?, ?)",
    )
    .bind(schema_id)
    .bind(&reference.name)
    .bind(&reference.subject)
    .bind(reference.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn append_audit(
    tx: &mut Transaction<'static, Sqlite>,
    entry: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (actor, action, target, details) VALUES (?, ?, ?, ?)")
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(to_json(&entry.details)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
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
