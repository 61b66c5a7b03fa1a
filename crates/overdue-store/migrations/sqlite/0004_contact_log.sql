-- The contact log: every email, letter, call, note, promise, dispute, plan, settlement,
-- document export and status change on a debtor, as an immutable event (RULES.md,
-- Records and privacy). Rows are appended, never edited or deleted: a correction is a new
-- event. What was sent is kept exactly as sent in `content` with its SHA-256.

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id   INTEGER REFERENCES invoices (id),
    occurred_at  TEXT    NOT NULL,                  -- RFC 3339 UTC: when it happened
    kind         TEXT    NOT NULL CHECK (length(kind) > 0),
    author       TEXT    NOT NULL,                  -- a staff member, or 'overdue' for automatic actions
    summary      TEXT    NOT NULL,                  -- one line for the timeline
    detail       TEXT    NOT NULL DEFAULT '',       -- JSON or free text, by kind
    content      BLOB,                              -- bytes exactly as sent (email, PDF), if any
    content_type TEXT    NOT NULL DEFAULT '',
    sha256       TEXT,                              -- hex SHA-256 of content
    ref_table    TEXT    NOT NULL DEFAULT '',       -- the record it is about (e.g. 'payment_plans')
    ref_id       INTEGER,
    created_at   TEXT    NOT NULL
);
CREATE INDEX events_by_debtor ON events (debtor_id, occurred_at);

CREATE TRIGGER events_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the contact log is append-only: record a new event instead');
END;
CREATE TRIGGER events_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the contact log is append-only: events are never deleted');
END;
