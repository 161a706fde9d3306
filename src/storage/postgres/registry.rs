//! Schemas, subject versions and references on PostgreSQL: the registry's reads,
//! registration (under the subject lock, then the id lock) and deletes.

use sqlx::{Postgres, Transaction};

use super::{PostgresStore, append_audit, lock_subject, lost_race};
use crate::model::{MAX_SCHEMA_ID, Reference, SchemaType, next_schema_id, next_version};
use crate::storage::rows::{SCHEMA_COLUMNS, SchemaRow, SubjectVersionDbRow, VersionDbRow, to_json};
use crate::storage::{
    AuditEntry, NewVersion, Registered, StoreError, StoredSchema, SubjectVersion, VersionRow,
};

/// First key of the advisory lock that serialises the allocation of schema ids.
const ID_LOCK_CLASS: i32 = 0x4845_5202;

impl PostgresStore {
    /// Every version of a subject, soft-deleted included, in ascending order.
    pub async fn subject_versions(&self, subject: &str) -> Result<Vec<VersionRow>, StoreError> {
        let rows: Vec<VersionDbRow> = sqlx::query_as(
            "SELECT version, schema_id, deleted FROM subject_versions
             WHERE subject = $1 ORDER BY version",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
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
    /// inside one transaction, both in 1..=2^31-1 ([`StoreError::OutOfRange`] when an explicit
    /// one lies outside or none is left). Refused with [`StoreError::Conflict`] when the subject's
    /// highest version is no longer `expected_max_version`, or when the write lost a race
    /// that only a fresh read can settle.
    pub async fn insert_version(&self, new: NewVersion<'_>) -> Result<Registered, StoreError> {
        new.check_range()?;
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
            None => next_version(max_version)?,
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
        let entry = AuditEntry::registered(new.actor, new.subject, id, version);
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
        let entry = AuditEntry::versions_deleted(actor, subject, versions, permanent);
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
            // Only ids in range count: rows written out of range before ids were bounded
            // must not stop allocation for good.
            let max: Option<i64> =
                sqlx::query_scalar("SELECT MAX(id) FROM schemas WHERE id BETWEEN 1 AND $1")
                    .bind(MAX_SCHEMA_ID)
                    .fetch_one(&mut **tx)
                    .await?;
            next_schema_id(max)?
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
