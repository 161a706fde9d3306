//! The catalog tables on SQLite.

use super::{SqliteStore, append_audit};
use crate::storage::catalog::{CatalogRows, CatalogWrite};
use crate::storage::rows::{EntityRow, to_json};
use crate::storage::{AuditEntry, StoreError};

impl SqliteStore {
    /// Every catalog entity, by kind then name, with the catalog revision.
    pub async fn catalog(&self) -> Result<CatalogRows, StoreError> {
        // One read transaction, so the revision matches the rows.
        let mut tx = self.reader.begin().await?;
        let revision: i64 = sqlx::query_scalar("SELECT revision FROM catalog_state WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let rows: Vec<EntityRow> = sqlx::query_as(
            "SELECT kind, name, document, updated_at, updated_by FROM catalog_entities
             ORDER BY kind, name",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = rows
            .into_iter()
            .map(EntityRow::into_catalog_row)
            .collect::<Result<_, _>>()?;
        Ok(CatalogRows { revision, rows })
    }

    /// Applies `writes` as one transaction if the catalog is still at `expected_revision`
    /// ([`StoreError::Conflict`] otherwise); returns the new revision.
    pub async fn write_catalog(
        &self,
        expected_revision: i64,
        writes: &[CatalogWrite],
        actor: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let moved = sqlx::query(
            "UPDATE catalog_state SET revision = revision + 1 WHERE id = 1 AND revision = ?",
        )
        .bind(expected_revision)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        for write in writes {
            match write {
                CatalogWrite::Put {
                    kind,
                    name,
                    document,
                    ..
                } => {
                    sqlx::query(
                        "INSERT INTO catalog_entities (kind, name, document, updated_by)
                         VALUES (?, ?, ?, ?)
                         ON CONFLICT (kind, name) DO UPDATE SET document = excluded.document,
                           updated_by = excluded.updated_by,
                           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                    )
                    .bind(kind)
                    .bind(name)
                    .bind(to_json(document)?)
                    .bind(actor)
                    .execute(&mut *tx)
                    .await?;
                }
                CatalogWrite::Delete { kind, name, .. } => {
                    sqlx::query("DELETE FROM catalog_entities WHERE kind = ? AND name = ?")
                        .bind(kind)
                        .bind(name)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let target = write.target();
            append_audit(
                &mut tx,
                &AuditEntry {
                    actor,
                    action: write.action(),
                    target: &target,
                    details: write.audit_details(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(expected_revision + 1)
    }
}
