//! The portal's reads on PostgreSQL: the filtered subject page (over `subject_summary`),
//! recent audit entries and the filtered audit trail, counts and the versions referencing a
//! version.

use sqlx::{Postgres, QueryBuilder};

use super::PostgresStore;
use crate::storage::browse::{
    ActionMatch, AuditQuery, AuditRecord, RegistryCounts, SubjectFilter, SubjectPage,
};
use crate::storage::rows::{AuditDbRow, SubjectSummaryRow, SubjectVersionDbRow};
use crate::storage::{StoreError, SubjectVersion};

impl PostgresStore {
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

    /// One page of the audit trail: the entries matching `query`, newest first.
    pub async fn audit_page(&self, query: &AuditQuery<'_>) -> Result<Vec<AuditRecord>, StoreError> {
        let mut sql = QueryBuilder::<Postgres>::new(
            "SELECT seq,
                    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at,
                    actor, action, target, details::text AS details
             FROM audit_log WHERE TRUE",
        );
        if let Some(actor) = query.actor {
            sql.push(" AND actor = ").push_bind(actor.to_owned());
        }
        if let Some(subject) = query.subject {
            sql.push(" AND target = ")
                .push_bind(subject.to_owned())
                .push(" AND NOT starts_with(action, 'catalog.')");
        }
        match query.action {
            Some(ActionMatch::Exact(action)) => {
                sql.push(" AND action = ").push_bind(action.to_owned());
            }
            // A literal prefix test (LIKE would read `_` and `%` as wildcards).
            Some(ActionMatch::Prefix(prefix)) => {
                sql.push(" AND starts_with(action, ")
                    .push_bind(prefix.to_owned())
                    .push(")");
            }
            None => {}
        }
        if let Some(from) = query.from {
            sql.push(" AND at >= ")
                .push_bind(from.to_owned())
                .push("::timestamptz");
        }
        if let Some(until) = query.until {
            sql.push(" AND at < ")
                .push_bind(until.to_owned())
                .push("::timestamptz");
        }
        if let Some(before) = query.before {
            sql.push(" AND seq < ").push_bind(before);
        }
        sql.push(" ORDER BY seq DESC LIMIT ").push_bind(query.limit);
        let rows: Vec<AuditDbRow> = sql.build_query_as().fetch_all(&self.pool).await?;
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
