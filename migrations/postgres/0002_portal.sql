-- Portal: the same model as migrations/sqlite/0002_portal.sql. One summary row per subject
-- with a live version, so the subject list can filter, count and page through 100,000
-- subjects with index lookups. A trigger keeps it in step with subject_versions inside the
-- writing transaction (writers of one subject already queue on its advisory lock; should two
-- ever race, the primary key refuses one and the registry retries).

CREATE TABLE subject_summary (
    subject          TEXT COLLATE "C" PRIMARY KEY,
    schema_type      TEXT        NOT NULL,   -- type of the latest live version's schema
    latest_version   INTEGER     NOT NULL,   -- highest live version
    latest_schema_id BIGINT      NOT NULL,
    live_versions    INTEGER     NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL    -- last change to any of the subject's versions
);

CREATE INDEX subject_summary_by_type ON subject_summary (schema_type, subject);

CREATE FUNCTION herald_refresh_subject_summary(target TEXT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM subject_summary WHERE subject = target;
    INSERT INTO subject_summary
        (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
    SELECT v.subject, s.schema_type, v.version, v.schema_id,
           (SELECT COUNT(*) FROM subject_versions c
            WHERE c.subject = target AND NOT c.deleted),
           now()
    FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
    WHERE v.subject = target AND NOT v.deleted
    ORDER BY v.version DESC
    LIMIT 1;
END;
$$;

CREATE FUNCTION herald_subject_summary_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM herald_refresh_subject_summary(OLD.subject);
    ELSE
        PERFORM herald_refresh_subject_summary(NEW.subject);
    END IF;
    RETURN NULL;
END;
$$;

INSERT INTO subject_summary
    (subject, schema_type, latest_version, latest_schema_id, live_versions, updated_at)
SELECT v.subject, s.schema_type, v.version, v.schema_id,
       (SELECT COUNT(*) FROM subject_versions c WHERE c.subject = v.subject AND NOT c.deleted),
       (SELECT MAX(c.created_at) FROM subject_versions c WHERE c.subject = v.subject)
FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
WHERE NOT v.deleted
  AND v.version = (SELECT MAX(m.version) FROM subject_versions m
                   WHERE m.subject = v.subject AND NOT m.deleted);

CREATE TRIGGER subject_summary_on_insert_or_delete
    AFTER INSERT OR DELETE ON subject_versions
    FOR EACH ROW EXECUTE FUNCTION herald_subject_summary_trigger();

CREATE TRIGGER subject_summary_on_update
    AFTER UPDATE OF deleted, schema_id ON subject_versions
    FOR EACH ROW EXECUTE FUNCTION herald_subject_summary_trigger();
