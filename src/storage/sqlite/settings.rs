//! Config and mode rows on SQLite, one per scope (a subject or the global scope).

use serde_json::Value;

use super::{SqliteStore, append_audit};
use crate::storage::rows::{parse_json, to_json};
use crate::storage::{AuditEntry, StoreError};

impl SqliteStore {
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
        let entry = AuditEntry::setting_set(actor, table, scope, value);
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
        let entry = AuditEntry::setting_deleted(actor, table, scope);
        append_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
