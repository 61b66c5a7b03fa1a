-- Issue 19: a bulk import is audited as one entry (the file, its rows, its SHA-256, who
-- and when), not row by row, so the audit trail does not cost an import its speed. An
-- import writes its `imports` row first, in its own transaction, marked open; while it is
-- open the inserts of debtors, contacts, invoices, payments and allocations are covered by
-- it instead of an entry each, and the import closes it before it commits (a failed
-- import rolls back both). Updates and deletes are recorded as always. The import's own
-- row is an audit entry (table "imports"); `open` and `txid` are the two backends' ways of
-- knowing the import's transaction (PostgreSQL uses the transaction id).

CREATE TABLE imports (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT    NOT NULL CHECK (length(kind) > 0),
    file   TEXT    NOT NULL,
    rows   INTEGER NOT NULL CHECK (rows >= 0),
    sha256 TEXT    NOT NULL,
    login  TEXT    NOT NULL,
    at     TEXT    NOT NULL,
    open   INTEGER NOT NULL DEFAULT 0 CHECK (open IN (0, 1)),
    txid   INTEGER
);
CREATE INDEX imports_open ON imports (open) WHERE open = 1;

-- An import's record is kept as written: only its closing (open 1 -> 0) is an update.
CREATE TRIGGER imports_never_deleted BEFORE DELETE ON imports
BEGIN
    SELECT RAISE(ABORT, 'an import''s record is kept');
END;
CREATE TRIGGER imports_only_closed BEFORE UPDATE ON imports
WHEN NEW.open <> 0 OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.file IS NOT OLD.file
  OR NEW.rows IS NOT OLD.rows OR NEW.sha256 IS NOT OLD.sha256 OR NEW.login IS NOT OLD.login
  OR NEW.at IS NOT OLD.at OR NEW.txid IS NOT OLD.txid
BEGIN
    SELECT RAISE(ABORT, 'an import''s record is kept');
END;

CREATE TRIGGER audit_imports_insert AFTER INSERT ON imports
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'imports', 'insert',
            CAST(NEW.id AS TEXT), NULL, NULL,
            json_object('id', NEW.id, 'kind', NEW.kind, 'file', NEW.file, 'rows', NEW.rows, 'sha256', NEW.sha256, 'login', NEW.login, 'at', NEW.at));
END;

DROP TRIGGER audit_debtors_insert;
CREATE TRIGGER audit_debtors_insert AFTER INSERT ON debtors
WHEN NOT EXISTS (SELECT 1 FROM imports WHERE open = 1)
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtors', 'insert',
            CAST(NEW.id AS TEXT), NEW.id,
            NULL,
            json_object('id', NEW.id, 'kind', NEW.kind, 'name', NEW.name, 'external_ref', NEW.external_ref, 'language', NEW.language, 'currency', NEW.currency, 'payment_terms_days', NEW.payment_terms_days, 'credit_limit_minor', NEW.credit_limit_minor, 'address_lines', NEW.address_lines, 'postal_code', NEW.postal_code, 'city', NEW.city, 'country', NEW.country, 'tags', NEW.tags, 'notes', NEW.notes, 'account_manager', NEW.account_manager, 'archived_at', NEW.archived_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'sort_name', NEW.sort_name));
END;

DROP TRIGGER audit_debtor_contacts_insert;
CREATE TRIGGER audit_debtor_contacts_insert AFTER INSERT ON debtor_contacts
WHEN NOT EXISTS (SELECT 1 FROM imports WHERE open = 1)
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_contacts', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'position', NEW.position, 'name', NEW.name, 'role', NEW.role, 'email', NEW.email, 'phone', NEW.phone));
END;

DROP TRIGGER audit_invoices_insert;
CREATE TRIGGER audit_invoices_insert AFTER INSERT ON invoices
WHEN NOT EXISTS (SELECT 1 FROM imports WHERE open = 1)
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoices', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'number', NEW.number, 'issue_date', NEW.issue_date, 'due_date', NEW.due_date, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'tax_minor', NEW.tax_minor, 'open_minor', NEW.open_minor, 'description', NEW.description, 'disputed_at', NEW.disputed_at, 'dispute_reason', NEW.dispute_reason, 'created_at', NEW.created_at));
END;

DROP TRIGGER audit_payments_insert;
CREATE TRIGGER audit_payments_insert AFTER INSERT ON payments
WHEN NOT EXISTS (SELECT 1 FROM imports WHERE open = 1)
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'payments', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'paid_on', NEW.paid_on, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'unapplied_minor', NEW.unapplied_minor, 'method', NEW.method, 'reference', NEW.reference, 'created_at', NEW.created_at, 'invoice_id', NEW.invoice_id, 'reversed_on', NEW.reversed_on, 'reversal_reason', NEW.reversal_reason));
END;

DROP TRIGGER audit_allocations_insert;
CREATE TRIGGER audit_allocations_insert AFTER INSERT ON allocations
WHEN NOT EXISTS (SELECT 1 FROM imports WHERE open = 1)
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'allocations', 'insert',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            NULL,
            json_object('id', NEW.id, 'payment_id', NEW.payment_id, 'invoice_id', NEW.invoice_id, 'amount_minor', NEW.amount_minor, 'allocated_on', NEW.allocated_on, 'reversed_on', NEW.reversed_on));
END;
