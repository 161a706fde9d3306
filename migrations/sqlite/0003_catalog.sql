-- The event catalog: one row per entity (domain, team, application, topic, event), its
-- document as the catalog model serialises it. Relationships live inside the documents
-- (an application's edges) and are checked by the catalog use cases before every write.
CREATE TABLE catalog_entities (
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);

-- One counter for the whole catalog: a write names the revision its checks saw and is
-- refused if another writer moved it on (optimistic concurrency across nodes).
CREATE TABLE catalog_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO catalog_state (id, revision) VALUES (1, 0);
