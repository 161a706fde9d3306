-- Reading the audit trail (/ui/audit, GET /audit): newest first (by seq) with exact filters
-- on who, what and which subject, and a time range. Each filter has an index that walks
-- its rows newest first, so a page costs its own rows, not a scan of the whole log.
CREATE INDEX audit_log_by_target ON audit_log (target, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
-- `at` is text in one fixed format (%Y-%m-%dT%H:%M:%fZ), so ranges compare as text.
CREATE INDEX audit_log_by_at ON audit_log (at);
