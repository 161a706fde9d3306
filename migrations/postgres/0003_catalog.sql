-- The event catalog: one row per entity (domain, team, application, topic, event), its
-- document as the catalog model serialises it (TEXT, not JSONB: key order is kept).
CREATE TABLE catalog_entities (
    kind       TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    document   TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);

-- One counter for the whole catalog: a write names the revision its checks saw; the row
-- lock serialises writers across nodes and a moved revision refuses the late one.
CREATE TABLE catalog_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO catalog_state (id, revision) VALUES (1, 0);
