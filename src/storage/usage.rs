//! Observed usage's storage contract: per-day tallies of who read or registered which
//! schema, added into (never overwritten), read back summed over days. What a tally means
//! (readers, drift) is the usage use cases'; here it is rows.

use sqlx::{Database, QueryBuilder};

/// One reader's traffic for one schema on one day, as flushed from memory. Empty strings
/// (and version 0) stand for "none", as in the table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UsageTally {
    pub day: i32,
    pub principal: String,
    pub client: String,
    pub address: String,
    pub access: String,
    pub schema_id: i64,
    pub subject: String,
    pub version: i32,
    /// Milliseconds since the epoch.
    pub first_seen: i64,
    pub last_seen: i64,
    pub count: i64,
}

/// A tally summed over the days a read asked for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageRow {
    pub principal: String,
    pub client: String,
    pub address: String,
    pub access: String,
    pub schema_id: i64,
    pub subject: String,
    pub version: i32,
    pub first_seen: i64,
    pub last_seen: i64,
    pub count: i64,
}

/// Which rows a read takes.
#[derive(Debug, Clone, PartialEq)]
pub enum UsageScope {
    Everything,
    /// Rows naming the subject, and reads by id (no subject) of one of its schema ids.
    Subject {
        subject: String,
        schema_ids: Vec<i64>,
    },
    SchemaId(i64),
    /// Rows of these principals, and anonymous rows from these client addresses.
    Readers {
        principals: Vec<String>,
        addresses: Vec<String>,
    },
}

/// A read of the usage table: the rows in `scope` last seen at or after `since` (ms).
#[derive(Debug, Clone, PartialEq)]
pub struct UsageQuery {
    pub scope: UsageScope,
    pub since: i64,
    pub limit: i64,
}

/// How many rows one INSERT carries: 11 bound values each stays well under both backends'
/// limits on bound parameters.
pub(super) const ROWS_PER_INSERT: usize = 500;

/// The SQL spellings that differ between the backends.
pub(super) struct Dialect {
    /// The two-argument smaller and larger of (`min`/`max` in SQLite, `LEAST`/`GREATEST`).
    pub least: &'static str,
    pub greatest: &'static str,
    /// `SUM(count)` as a 64-bit integer.
    pub sum_count: &'static str,
}

/// Builds the INSERT that adds `batch` into the table: a row seen before gets the counts
/// added, the earliest first sighting and the latest last one.
pub(super) fn push_insert<DB>(dialect: &Dialect, batch: &[UsageTally]) -> QueryBuilder<DB>
where
    DB: Database,
    i32: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut sql = QueryBuilder::<DB>::new(
        "INSERT INTO schema_usage (day, principal, client, address, access, schema_id, \
         subject, version, first_seen, last_seen, count) ",
    );
    sql.push_values(batch, |mut row, tally| {
        row.push_bind(tally.day)
            .push_bind(tally.principal.clone())
            .push_bind(tally.client.clone())
            .push_bind(tally.address.clone())
            .push_bind(tally.access.clone())
            .push_bind(tally.schema_id)
            .push_bind(tally.subject.clone())
            .push_bind(tally.version)
            .push_bind(tally.first_seen)
            .push_bind(tally.last_seen)
            .push_bind(tally.count);
    });
    sql.push(format!(
        " ON CONFLICT (day, principal, client, address, access, schema_id, subject, version) \
         DO UPDATE SET count = schema_usage.count + excluded.count, \
         first_seen = {least}(schema_usage.first_seen, excluded.first_seen), \
         last_seen = {greatest}(schema_usage.last_seen, excluded.last_seen)",
        least = dialect.least,
        greatest = dialect.greatest,
    ));
    sql
}

/// Builds the read of `query`: one row per reader and schema, summed over days, most
/// recently seen first.
pub(super) fn push_select<DB>(dialect: &Dialect, query: &UsageQuery) -> QueryBuilder<DB>
where
    DB: Database,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut sql = QueryBuilder::<DB>::new(format!(
        "SELECT principal, client, address, access, schema_id, subject, version, \
         MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen, {sum} AS count \
         FROM schema_usage WHERE last_seen >= ",
        sum = dialect.sum_count
    ));
    sql.push_bind(query.since);
    push_scope(&mut sql, &query.scope);
    sql.push(
        " GROUP BY principal, client, address, access, schema_id, subject, version \
         ORDER BY MAX(last_seen) DESC, principal, client, address LIMIT ",
    )
    .push_bind(query.limit);
    sql
}

/// Builds the per-day counts of the rows in `scope` from `first_day` on.
pub(super) fn push_daily<DB>(
    dialect: &Dialect,
    scope: &UsageScope,
    first_day: i64,
) -> QueryBuilder<DB>
where
    DB: Database,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut sql = QueryBuilder::<DB>::new(format!(
        "SELECT CAST(day AS BIGINT) AS day, {sum} AS count FROM schema_usage WHERE day >= ",
        sum = dialect.sum_count
    ));
    sql.push_bind(first_day);
    push_scope(&mut sql, scope);
    sql.push(" GROUP BY day ORDER BY day");
    sql
}

fn push_scope<DB>(sql: &mut QueryBuilder<DB>, scope: &UsageScope)
where
    DB: Database,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    match scope {
        UsageScope::Everything => {}
        UsageScope::Subject {
            subject,
            schema_ids,
        } => {
            sql.push(" AND (subject = ").push_bind(subject.clone());
            if !schema_ids.is_empty() {
                sql.push(" OR (subject = '' AND schema_id IN (");
                let mut ids = sql.separated(", ");
                for id in schema_ids {
                    ids.push_bind(*id);
                }
                sql.push("))");
            }
            sql.push(")");
        }
        UsageScope::SchemaId(id) => {
            sql.push(" AND schema_id = ").push_bind(*id);
        }
        UsageScope::Readers {
            principals,
            addresses,
        } => {
            sql.push(" AND (1 = 0");
            if !principals.is_empty() {
                sql.push(" OR principal IN (");
                let mut names = sql.separated(", ");
                for name in principals {
                    names.push_bind(name.clone());
                }
                sql.push(")");
            }
            if !addresses.is_empty() {
                sql.push(" OR (principal = '' AND address IN (");
                let mut list = sql.separated(", ");
                for address in addresses {
                    list.push_bind(address.clone());
                }
                sql.push("))");
            }
            sql.push(")");
        }
    }
}
