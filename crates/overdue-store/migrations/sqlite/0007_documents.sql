-- Documents as produced (letters, invoices, statements, case files), kept byte for byte
-- with their SHA-256 so that any document sent or exported can be produced again
-- identically as evidence; and files the user attaches to a debtor or an invoice (signed
-- contracts, accepted terms, delivery notes, letters received). Both are append-only.
-- The letterhead lives in the `settings` table (key 'letterhead', JSON).

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id   INTEGER REFERENCES invoices (id),
    kind         TEXT    NOT NULL CHECK (length(kind) > 0),  -- 'final-demand', 'invoice', 'case-file', ...
    title        TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL DEFAULT 'application/pdf',
    content      BLOB    NOT NULL,
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    created_at   TEXT    NOT NULL
);
CREATE INDEX documents_by_debtor ON documents (debtor_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id   INTEGER REFERENCES invoices (id),
    file_name    TEXT    NOT NULL CHECK (length(file_name) > 0),
    content_type TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    created_at   TEXT    NOT NULL
);
CREATE INDEX attachments_by_debtor ON attachments (debtor_id, id);

CREATE TRIGGER documents_never_updated BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are kept as produced: produce a new one instead');
END;
CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are kept as produced: they are never deleted');
END;
CREATE TRIGGER attachments_never_updated BEFORE UPDATE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are kept as received: attach a new file instead');
END;
