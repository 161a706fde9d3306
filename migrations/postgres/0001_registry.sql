-- Registry core for PostgreSQL: the same model as migrations/sqlite/0001_registry.sql.
--
-- Names (subjects, scopes) use the "C" collation so that ORDER BY is byte order, exactly
-- as SQLite's BINARY collation, whatever locale the cluster was created with; it also lets
-- the primary-key index serve prefix searches (starts_with).
--
-- JSON documents that are read back (references, metadata, rule sets, configs) are kept as
-- TEXT, not JSONB: JSONB reorders object keys and drops duplicates, and the registry echoes
-- these documents in the order they were written (serde_json preserve_order). The audit log
-- is only written, so its details are JSONB and can be queried.

CREATE TABLE schemas (
    id              BIGINT      PRIMARY KEY,     -- Confluent global id; allocated by the writer
    schema_type     TEXT        NOT NULL,        -- AVRO | PROTOBUF | JSON
    identity        BYTEA       NOT NULL,        -- MD5 identity key (see schema::identity)
    canonical_text  TEXT        NOT NULL,
    references_json TEXT        NOT NULL DEFAULT '[]',
    metadata_json   TEXT,
    rule_set_json   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (identity, schema_type)
);

CREATE TABLE subject_versions (
    subject    TEXT COLLATE "C" NOT NULL,
    version    INTEGER     NOT NULL,
    schema_id  BIGINT      NOT NULL REFERENCES schemas (id),
    deleted    BOOLEAN     NOT NULL DEFAULT FALSE,  -- soft delete flag
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
);

CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

-- Which (subject, version) each schema refers to; answers `referencedby`.
CREATE TABLE schema_references (
    schema_id   BIGINT  NOT NULL REFERENCES schemas (id),
    name        TEXT    NOT NULL,
    ref_subject TEXT COLLATE "C" NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (schema_id, name)
);

CREATE INDEX schema_references_target ON schema_references (ref_subject, ref_version);

-- Subject-level and global ('__GLOBAL', a name subjects may not take) settings.
CREATE TABLE configs (
    scope       TEXT COLLATE "C" PRIMARY KEY,
    config_json TEXT NOT NULL
);

CREATE TABLE modes (
    scope TEXT COLLATE "C" PRIMARY KEY,
    mode  TEXT NOT NULL
);

-- Append-only history of every change: who, when, what.
CREATE TABLE audit_log (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor   TEXT  NOT NULL,
    action  TEXT  NOT NULL,
    target  TEXT  NOT NULL,
    details JSONB NOT NULL DEFAULT '{}'
);
