-- Registry core: schemas (one row per distinct schema, id = Confluent global id),
-- subject versions, references, configuration, modes and the audit log.

CREATE TABLE schemas (
    id             INTEGER PRIMARY KEY,          -- Confluent global id; allocated by the writer
    schema_type    TEXT    NOT NULL,             -- AVRO | PROTOBUF | JSON
    identity       BLOB    NOT NULL,             -- MD5 identity key (see schema::identity)
    canonical_text TEXT    NOT NULL,
    references_json TEXT   NOT NULL DEFAULT '[]',
    metadata_json  TEXT,
    rule_set_json  TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (identity, schema_type)
);

CREATE TABLE subject_versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    schema_id  INTEGER NOT NULL REFERENCES schemas (id),
    deleted    INTEGER NOT NULL DEFAULT 0,       -- soft delete flag
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (subject, version)
) WITHOUT ROWID;

CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

-- Which (subject, version) each schema refers to; answers `referencedby`.
CREATE TABLE schema_references (
    schema_id   INTEGER NOT NULL REFERENCES schemas (id),
    name        TEXT    NOT NULL,
    ref_subject TEXT    NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (schema_id, name)
);

CREATE INDEX schema_references_target ON schema_references (ref_subject, ref_version);

-- Subject-level and global ('__GLOBAL', a name subjects may not take) settings.
CREATE TABLE configs (
    scope       TEXT PRIMARY KEY,
    config_json TEXT NOT NULL
);

CREATE TABLE modes (
    scope TEXT PRIMARY KEY,
    mode  TEXT NOT NULL
);

-- Append-only history of every change: who, when, what.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
