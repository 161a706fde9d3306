-- Observed usage: the same table as migrations/sqlite/0005_usage.sql. Every node adds its
-- batches into the same rows (INSERT ... ON CONFLICT DO UPDATE adds the counts under the
-- row's lock, so concurrent flushes never lose one another's counts).
CREATE TABLE schema_usage (
    day        INTEGER NOT NULL,
    principal  TEXT    NOT NULL,
    client     TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    access     TEXT    NOT NULL,
    schema_id  BIGINT  NOT NULL,
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    first_seen BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL,
    count      BIGINT  NOT NULL,
    PRIMARY KEY (day, principal, client, address, access, schema_id, subject, version)
);
CREATE INDEX schema_usage_by_subject ON schema_usage (subject);
CREATE INDEX schema_usage_by_schema ON schema_usage (schema_id);
CREATE INDEX schema_usage_by_principal ON schema_usage (principal);
CREATE INDEX schema_usage_by_last_seen ON schema_usage (last_seen);
