//! The portal's reads on SQLite: the filtered subject page (over `subject_summary`),
//! recent audit entries and the filtered audit trail, counts and the versions referencing a
//! version.

use sqlx::{QueryBuilder, Sqlite};

use super::SqliteStore;
use crate::model::SchemaType;
use crate::storage::browse::{
    ActionMatch, AuditQuery, AuditRecord, RegistryCounts, SubjectFilter, SubjectPage,
};
use crate::storage::rows::{AuditDbRow, SubjectSummaryRow, SubjectVersionDbRow, to_json};
use crate::storage::{StoreError, SubjectVersion};

impl SqliteStore {
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

    /// One page of the audit trail: the entries matching `query`, newest first.
    pub async fn audit_page(&self, query: &AuditQuery<'_>) -> Result<Vec<AuditRecord>, StoreError> {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT seq, at, actor, action, target, details FROM audit_log WHERE 1 = 1",
        );
        if let Some(actor) = query.actor {
            sql.push(" AND actor = ").push_bind(actor.to_owned());
        }
        if let Some(subject) = query.subject {
            sql.push(" AND target = ")
                .push_bind(subject.to_owned())
                .push(" AND substr(action, 1, 8) <> 'catalog.'");
        }
        match query.action {
            Some(ActionMatch::Exact(action)) => {
                sql.push(" AND action = ").push_bind(action.to_owned());
            }
            // substr and length both count characters, so this is a literal prefix test
            // (LIKE would read `_` and `%` as wildcards).
            Some(ActionMatch::Prefix(prefix)) => {
                sql.push(" AND substr(action, 1, length(")
                    .push_bind(prefix.to_owned())
                    .push(")) = ")
                    .push_bind(prefix.to_owned());
            }
            None => {}
        }
        // `at` is stored in the bounds' own fixed format, so text order is time order.
        if let Some(from) = query.from {
            sql.push(" AND at >= ").push_bind(from.to_owned());
        }
        if let Some(until) = query.until {
            sql.push(" AND at < ").push_bind(until.to_owned());
        }
        if let Some(before) = query.before {
            sql.push(" AND seq < ").push_bind(before);
        }
        sql.push(" ORDER BY seq DESC LIMIT ").push_bind(query.limit);
        let rows: Vec<AuditDbRow> = sql.build_query_as().fetch_all(&self.reader).await?;
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
