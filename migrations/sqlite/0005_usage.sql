-- Observed usage: who fetched or registered which schema, aggregated per UTC day. Herald
-- tallies reads in memory and adds them here in batches (every few seconds), so a row is
-- one reader's traffic for one schema on one day. Nodes sharing a database add into the
-- same rows. Empty strings stand for "none" so the key stays a plain primary key: an
-- anonymous principal, an unknown client, a read by id (no subject), version 0 (unknown).
CREATE TABLE schema_usage (
    day        INTEGER NOT NULL, -- days since 1970-01-01, UTC
    principal  TEXT    NOT NULL,
    client     TEXT    NOT NULL, -- Confluent-Client-Version, else User-Agent
    address    TEXT    NOT NULL,
    access     TEXT    NOT NULL, -- id, guid, version, latest, lookup, register
    schema_id  INTEGER NOT NULL,
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    first_seen INTEGER NOT NULL, -- ms since the epoch
    last_seen  INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (day, principal, client, address, access, schema_id, subject, version)
);
CREATE INDEX schema_usage_by_subject ON schema_usage (subject);
CREATE INDEX schema_usage_by_schema ON schema_usage (schema_id);
CREATE INDEX schema_usage_by_principal ON schema_usage (principal);
CREATE INDEX schema_usage_by_last_seen ON schema_usage (last_seen);
