-- Reading the audit trail (/ui/audit, GET /audit): the same indexes as
-- migrations/sqlite/0004_audit.sql. Newest first (by seq) with exact filters on who, what
-- and which subject, and a time range; each filter walks its own index newest first.
CREATE INDEX audit_log_by_target ON audit_log (target, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_at ON audit_log (at);
