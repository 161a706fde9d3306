-- Portal: one summary row per subject with a live version, so the subject list can filter,
-- count and page through 100,000 subjects with index lookups instead of grouping every
-- version on each request. Triggers keep it in step with subject_versions inside the
-- writing transaction; nothing else writes it.

CREATE TABLE subject_summary (
    subject          TEXT    PRIMARY KEY,
    schema_type      TEXT    NOT NULL,   -- type of the latest live version's schema
    latest_version   INTEGER NOT NULL,   -- highest live version
    latest_schema_id INTEGER NOT NULL,
    live_versions    INTEGER NOT NULL,
    updated_at       TEXT    NOT NULL    -- last change to any of the subject's versions
) WITHOUT ROWID;

CREATE INDEX subject_summary_by_type ON subject_summary (schema_type, subject);

-- Recent changes on the portal's home page read the newest audit entries: the primary key
-- (seq) already serves ORDER BY seq DESC LIMIT n.

INSERT INTO subject_summary
    (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
SELECT v.subject, s.schema_type, v.version, v.schema_id,
       (SELECT COUNT(*) FROM subject_versions c WHERE c.subject = v.subject AND c.deleted = 0),
       (SELECT MAX(c.created_at) FROM subject_versions c WHERE c.subject = v.subject)
FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
WHERE v.deleted = 0
  AND v.version = (SELECT MAX(m.version) FROM subject_versions m
                   WHERE m.subject = v.subject AND m.deleted = 0);

CREATE TRIGGER subject_summary_on_insert AFTER INSERT ON subject_versions
BEGIN
    DELETE FROM subject_summary WHERE subject = NEW.subject;
    INSERT INTO subject_summary
        (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
    SELECT v.subject, s.schema_type, v.version, v.schema_id,
           (SELECT COUNT(*) FROM subject_versions c
            WHERE c.subject = NEW.subject AND c.deleted = 0),
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
    WHERE v.subject = NEW.subject AND v.deleted = 0
    ORDER BY v.version DESC LIMIT 1;
END;

CREATE TRIGGER subject_summary_on_update AFTER UPDATE OF deleted, schema_id ON subject_versions
BEGIN
    DELETE FROM subject_summary WHERE subject = NEW.subject;
    INSERT INTO subject_summary
        (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
    SELECT v.subject, s.schema_type, v.version, v.schema_id,
           (SELECT COUNT(*) FROM subject_versions c
            WHERE c.subject = NEW.subject AND c.deleted = 0),
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
    WHERE v.subject = NEW.subject AND v.deleted = 0
    ORDER BY v.version DESC LIMIT 1;
END;

CREATE TRIGGER subject_summary_on_delete AFTER DELETE ON subject_versions
BEGIN
    DELETE FROM subject_summary WHERE subject = OLD.subject;
    INSERT INTO subject_summary
        (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
    SELECT v.subject, s.schema_type, v.version, v.schema_id,
           (SELECT COUNT(*) FROM subject_versions c
            WHERE c.subject = OLD.subject AND c.deleted = 0),
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
    WHERE v.subject = OLD.subject AND v.deleted = 0
    ORDER BY v.version DESC LIMIT 1;
END;
