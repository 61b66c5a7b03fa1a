-- Who did what (issue 18): an audit trail written by the database itself, and a hash chain
-- over the contact log.
--
-- audit_log: every insert, update and delete of debtors, contacts, invoices, payments,
-- allocations, credit notes and write-offs, disputes, settings, dunning policies, levels
-- and templates, credit and late-fee settings, user rate rows and bank accounts, with the
-- login, the time (the database's clock: it says when the change was written), and the
-- row's old and new values as JSON. Written by triggers, so a change made outside the app
-- is recorded too; rows are never updated or deleted.
--
-- An invoice's open balance and a payment's unapplied amount are not entries of their own:
-- they follow the allocations, credit notes and write-offs, which are (an update that
-- changes only them is not recorded; any other update shows them with the row).
--
-- On SQLite the login is the OS user, kept in audit_actor by the app when it opens the
-- book (a SQLite book has one user). On PostgreSQL it is the session's login.
CREATE TABLE audit_actor (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    login TEXT NOT NULL
);
INSERT INTO audit_actor (id, login) VALUES (1, 'unknown');

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,                 -- RFC 3339 UTC, milliseconds
    login     TEXT    NOT NULL,
    tbl       TEXT    NOT NULL,
    action    TEXT    NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    row_key   TEXT    NOT NULL,                 -- the row's id (a setting's key)
    debtor_id INTEGER,                          -- the debtor it concerns, if one
    old       TEXT,                             -- JSON object, NULL for an insert
    new       TEXT                              -- JSON object, NULL for a delete
);
CREATE INDEX audit_log_by_debtor ON audit_log (debtor_id, id);

CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- What was invoiced, paid and allocated is never rewritten (a correction is a credit note,
-- a write-off or a reversal).
CREATE TRIGGER invoices_amounts_fixed BEFORE UPDATE OF debtor_id, currency, amount_minor, tax_minor ON invoices
WHEN NEW.debtor_id IS NOT OLD.debtor_id OR NEW.currency IS NOT OLD.currency
     OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.tax_minor IS NOT OLD.tax_minor
BEGIN
    SELECT RAISE(ABORT, 'an invoice''s debtor, currency and amounts are never rewritten: issue a credit note instead');
END;
CREATE TRIGGER payments_amounts_fixed BEFORE UPDATE OF debtor_id, currency, amount_minor, paid_on ON payments
WHEN NEW.debtor_id IS NOT OLD.debtor_id OR NEW.currency IS NOT OLD.currency
     OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.paid_on IS NOT OLD.paid_on
BEGIN
    SELECT RAISE(ABORT, 'a payment''s debtor, currency, amount and date are never rewritten: reverse it instead');
END;
CREATE TRIGGER allocations_amounts_fixed BEFORE UPDATE OF payment_id, invoice_id, amount_minor ON allocations
WHEN NEW.payment_id IS NOT OLD.payment_id OR NEW.invoice_id IS NOT OLD.invoice_id
     OR NEW.amount_minor IS NOT OLD.amount_minor
BEGIN
    SELECT RAISE(ABORT, 'an allocation is never rewritten: reverse the payment instead');
END;

-- Edits carry a version: a save names the version it was read at and is refused when
-- someone saved in between (the time alone cannot tell two saves in one instant apart).
ALTER TABLE debtors ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- Staff of a shared book (PostgreSQL): each is a login of its own, made a member of the
-- book's role for what they do (see staff.rs, which creates the roles and grants); this
-- table keeps their names. The owner is the database's owner.
CREATE TABLE staff (
    login    TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('owner', 'accountant', 'collector', 'viewer')),
    added_at TEXT    NOT NULL
);

-- The contact log's hash chain: each event's hash covers its own fields (its id, login
-- and content's SHA-256 among them) and the previous event's hash, computed by the app the
-- same way on both backends (events.rs), kept beside the event in event_hashes (the event
-- row itself is never written again). A changed, removed or reordered event no longer fits
-- (`overdue audit verify`); event_chain holds the newest hash, so removing the newest
-- events shows too. Events recorded before this migration are chained when the book is
-- next opened. login is who wrote the event.
ALTER TABLE events ADD COLUMN login TEXT NOT NULL DEFAULT '';

CREATE TABLE event_hashes (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id),
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER event_hashes_never_updated BEFORE UPDATE ON event_hashes
BEGIN
    SELECT RAISE(ABORT, 'the contact log is append-only: record a new event instead');
END;
CREATE TRIGGER event_hashes_never_deleted BEFORE DELETE ON event_hashes
BEGIN
    SELECT RAISE(ABORT, 'the contact log is append-only: events are never deleted');
END;

CREATE TABLE event_chain (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    head    TEXT,                               -- hash of the newest chained event
    last_id INTEGER                             -- its id
);
INSERT INTO event_chain (id, head, last_id) VALUES (1, NULL, NULL);

CREATE TRIGGER audit_debtors_insert AFTER INSERT ON debtors
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtors', 'insert',
            CAST(NEW.id AS TEXT), NEW.id,
            NULL,
            json_object('id', NEW.id, 'kind', NEW.kind, 'name', NEW.name, 'external_ref', NEW.external_ref, 'language', NEW.language, 'currency', NEW.currency, 'payment_terms_days', NEW.payment_terms_days, 'credit_limit_minor', NEW.credit_limit_minor, 'address_lines', NEW.address_lines, 'postal_code', NEW.postal_code, 'city', NEW.city, 'country', NEW.country, 'tags', NEW.tags, 'notes', NEW.notes, 'account_manager', NEW.account_manager, 'archived_at', NEW.archived_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'sort_name', NEW.sort_name));
END;

CREATE TRIGGER audit_debtors_update AFTER UPDATE ON debtors
WHEN OLD.id IS NOT NEW.id OR OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name OR OLD.external_ref IS NOT NEW.external_ref OR OLD.language IS NOT NEW.language OR OLD.currency IS NOT NEW.currency OR OLD.payment_terms_days IS NOT NEW.payment_terms_days OR OLD.credit_limit_minor IS NOT NEW.credit_limit_minor OR OLD.address_lines IS NOT NEW.address_lines OR OLD.postal_code IS NOT NEW.postal_code OR OLD.city IS NOT NEW.city OR OLD.country IS NOT NEW.country OR OLD.tags IS NOT NEW.tags OR OLD.notes IS NOT NEW.notes OR OLD.account_manager IS NOT NEW.account_manager OR OLD.archived_at IS NOT NEW.archived_at OR OLD.created_at IS NOT NEW.created_at OR OLD.updated_at IS NOT NEW.updated_at OR OLD.sort_name IS NOT NEW.sort_name
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtors', 'update',
            CAST(NEW.id AS TEXT), NEW.id,
            json_object('id', OLD.id, 'kind', OLD.kind, 'name', OLD.name, 'external_ref', OLD.external_ref, 'language', OLD.language, 'currency', OLD.currency, 'payment_terms_days', OLD.payment_terms_days, 'credit_limit_minor', OLD.credit_limit_minor, 'address_lines', OLD.address_lines, 'postal_code', OLD.postal_code, 'city', OLD.city, 'country', OLD.country, 'tags', OLD.tags, 'notes', OLD.notes, 'account_manager', OLD.account_manager, 'archived_at', OLD.archived_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'sort_name', OLD.sort_name),
            json_object('id', NEW.id, 'kind', NEW.kind, 'name', NEW.name, 'external_ref', NEW.external_ref, 'language', NEW.language, 'currency', NEW.currency, 'payment_terms_days', NEW.payment_terms_days, 'credit_limit_minor', NEW.credit_limit_minor, 'address_lines', NEW.address_lines, 'postal_code', NEW.postal_code, 'city', NEW.city, 'country', NEW.country, 'tags', NEW.tags, 'notes', NEW.notes, 'account_manager', NEW.account_manager, 'archived_at', NEW.archived_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'sort_name', NEW.sort_name));
END;

CREATE TRIGGER audit_debtors_delete AFTER DELETE ON debtors
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtors', 'delete',
            CAST(OLD.id AS TEXT), OLD.id,
            json_object('id', OLD.id, 'kind', OLD.kind, 'name', OLD.name, 'external_ref', OLD.external_ref, 'language', OLD.language, 'currency', OLD.currency, 'payment_terms_days', OLD.payment_terms_days, 'credit_limit_minor', OLD.credit_limit_minor, 'address_lines', OLD.address_lines, 'postal_code', OLD.postal_code, 'city', OLD.city, 'country', OLD.country, 'tags', OLD.tags, 'notes', OLD.notes, 'account_manager', OLD.account_manager, 'archived_at', OLD.archived_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'sort_name', OLD.sort_name),
            NULL);
END;

CREATE TRIGGER audit_debtor_contacts_insert AFTER INSERT ON debtor_contacts
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_contacts', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'position', NEW.position, 'name', NEW.name, 'role', NEW.role, 'email', NEW.email, 'phone', NEW.phone));
END;

CREATE TRIGGER audit_debtor_contacts_update AFTER UPDATE ON debtor_contacts
WHEN OLD.id IS NOT NEW.id OR OLD.debtor_id IS NOT NEW.debtor_id OR OLD.position IS NOT NEW.position OR OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_contacts', 'update',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'position', OLD.position, 'name', OLD.name, 'role', OLD.role, 'email', OLD.email, 'phone', OLD.phone),
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'position', NEW.position, 'name', NEW.name, 'role', NEW.role, 'email', NEW.email, 'phone', NEW.phone));
END;

CREATE TRIGGER audit_debtor_contacts_delete AFTER DELETE ON debtor_contacts
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_contacts', 'delete',
            CAST(OLD.id AS TEXT), OLD.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'position', OLD.position, 'name', OLD.name, 'role', OLD.role, 'email', OLD.email, 'phone', OLD.phone),
            NULL);
END;

CREATE TRIGGER audit_invoices_insert AFTER INSERT ON invoices
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoices', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'number', NEW.number, 'issue_date', NEW.issue_date, 'due_date', NEW.due_date, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'tax_minor', NEW.tax_minor, 'open_minor', NEW.open_minor, 'description', NEW.description, 'disputed_at', NEW.disputed_at, 'dispute_reason', NEW.dispute_reason, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoices_update AFTER UPDATE ON invoices
WHEN OLD.id IS NOT NEW.id OR OLD.debtor_id IS NOT NEW.debtor_id OR OLD.number IS NOT NEW.number OR OLD.issue_date IS NOT NEW.issue_date OR OLD.due_date IS NOT NEW.due_date OR OLD.currency IS NOT NEW.currency OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.tax_minor IS NOT NEW.tax_minor OR OLD.description IS NOT NEW.description OR OLD.disputed_at IS NOT NEW.disputed_at OR OLD.dispute_reason IS NOT NEW.dispute_reason OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoices', 'update',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'number', OLD.number, 'issue_date', OLD.issue_date, 'due_date', OLD.due_date, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'tax_minor', OLD.tax_minor, 'open_minor', OLD.open_minor, 'description', OLD.description, 'disputed_at', OLD.disputed_at, 'dispute_reason', OLD.dispute_reason, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'number', NEW.number, 'issue_date', NEW.issue_date, 'due_date', NEW.due_date, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'tax_minor', NEW.tax_minor, 'open_minor', NEW.open_minor, 'description', NEW.description, 'disputed_at', NEW.disputed_at, 'dispute_reason', NEW.dispute_reason, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoices_delete AFTER DELETE ON invoices
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoices', 'delete',
            CAST(OLD.id AS TEXT), OLD.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'number', OLD.number, 'issue_date', OLD.issue_date, 'due_date', OLD.due_date, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'tax_minor', OLD.tax_minor, 'open_minor', OLD.open_minor, 'description', OLD.description, 'disputed_at', OLD.disputed_at, 'dispute_reason', OLD.dispute_reason, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_payments_insert AFTER INSERT ON payments
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'payments', 'insert',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'paid_on', NEW.paid_on, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'unapplied_minor', NEW.unapplied_minor, 'method', NEW.method, 'reference', NEW.reference, 'created_at', NEW.created_at, 'invoice_id', NEW.invoice_id, 'reversed_on', NEW.reversed_on, 'reversal_reason', NEW.reversal_reason));
END;

CREATE TRIGGER audit_payments_update AFTER UPDATE ON payments
WHEN OLD.id IS NOT NEW.id OR OLD.debtor_id IS NOT NEW.debtor_id OR OLD.paid_on IS NOT NEW.paid_on OR OLD.currency IS NOT NEW.currency OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.method IS NOT NEW.method OR OLD.reference IS NOT NEW.reference OR OLD.created_at IS NOT NEW.created_at OR OLD.invoice_id IS NOT NEW.invoice_id OR OLD.reversed_on IS NOT NEW.reversed_on OR OLD.reversal_reason IS NOT NEW.reversal_reason
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'payments', 'update',
            CAST(NEW.id AS TEXT), NEW.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'paid_on', OLD.paid_on, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'unapplied_minor', OLD.unapplied_minor, 'method', OLD.method, 'reference', OLD.reference, 'created_at', OLD.created_at, 'invoice_id', OLD.invoice_id, 'reversed_on', OLD.reversed_on, 'reversal_reason', OLD.reversal_reason),
            json_object('id', NEW.id, 'debtor_id', NEW.debtor_id, 'paid_on', NEW.paid_on, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'unapplied_minor', NEW.unapplied_minor, 'method', NEW.method, 'reference', NEW.reference, 'created_at', NEW.created_at, 'invoice_id', NEW.invoice_id, 'reversed_on', NEW.reversed_on, 'reversal_reason', NEW.reversal_reason));
END;

CREATE TRIGGER audit_payments_delete AFTER DELETE ON payments
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'payments', 'delete',
            CAST(OLD.id AS TEXT), OLD.debtor_id,
            json_object('id', OLD.id, 'debtor_id', OLD.debtor_id, 'paid_on', OLD.paid_on, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'unapplied_minor', OLD.unapplied_minor, 'method', OLD.method, 'reference', OLD.reference, 'created_at', OLD.created_at, 'invoice_id', OLD.invoice_id, 'reversed_on', OLD.reversed_on, 'reversal_reason', OLD.reversal_reason),
            NULL);
END;

CREATE TRIGGER audit_allocations_insert AFTER INSERT ON allocations
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'allocations', 'insert',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            NULL,
            json_object('id', NEW.id, 'payment_id', NEW.payment_id, 'invoice_id', NEW.invoice_id, 'amount_minor', NEW.amount_minor, 'allocated_on', NEW.allocated_on, 'reversed_on', NEW.reversed_on));
END;

CREATE TRIGGER audit_allocations_update AFTER UPDATE ON allocations
WHEN OLD.id IS NOT NEW.id OR OLD.payment_id IS NOT NEW.payment_id OR OLD.invoice_id IS NOT NEW.invoice_id OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.allocated_on IS NOT NEW.allocated_on OR OLD.reversed_on IS NOT NEW.reversed_on
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'allocations', 'update',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            json_object('id', OLD.id, 'payment_id', OLD.payment_id, 'invoice_id', OLD.invoice_id, 'amount_minor', OLD.amount_minor, 'allocated_on', OLD.allocated_on, 'reversed_on', OLD.reversed_on),
            json_object('id', NEW.id, 'payment_id', NEW.payment_id, 'invoice_id', NEW.invoice_id, 'amount_minor', NEW.amount_minor, 'allocated_on', NEW.allocated_on, 'reversed_on', NEW.reversed_on));
END;

CREATE TRIGGER audit_allocations_delete AFTER DELETE ON allocations
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'allocations', 'delete',
            CAST(OLD.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = OLD.invoice_id),
            json_object('id', OLD.id, 'payment_id', OLD.payment_id, 'invoice_id', OLD.invoice_id, 'amount_minor', OLD.amount_minor, 'allocated_on', OLD.allocated_on, 'reversed_on', OLD.reversed_on),
            NULL);
END;

CREATE TRIGGER audit_invoice_adjustments_insert AFTER INSERT ON invoice_adjustments
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_adjustments', 'insert',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            NULL,
            json_object('id', NEW.id, 'invoice_id', NEW.invoice_id, 'kind', NEW.kind, 'reference', NEW.reference, 'issued_on', NEW.issued_on, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'reason', NEW.reason, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoice_adjustments_update AFTER UPDATE ON invoice_adjustments
WHEN OLD.id IS NOT NEW.id OR OLD.invoice_id IS NOT NEW.invoice_id OR OLD.kind IS NOT NEW.kind OR OLD.reference IS NOT NEW.reference OR OLD.issued_on IS NOT NEW.issued_on OR OLD.currency IS NOT NEW.currency OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.reason IS NOT NEW.reason OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_adjustments', 'update',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            json_object('id', OLD.id, 'invoice_id', OLD.invoice_id, 'kind', OLD.kind, 'reference', OLD.reference, 'issued_on', OLD.issued_on, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'reason', OLD.reason, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'invoice_id', NEW.invoice_id, 'kind', NEW.kind, 'reference', NEW.reference, 'issued_on', NEW.issued_on, 'currency', NEW.currency, 'amount_minor', NEW.amount_minor, 'reason', NEW.reason, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoice_adjustments_delete AFTER DELETE ON invoice_adjustments
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_adjustments', 'delete',
            CAST(OLD.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = OLD.invoice_id),
            json_object('id', OLD.id, 'invoice_id', OLD.invoice_id, 'kind', OLD.kind, 'reference', OLD.reference, 'issued_on', OLD.issued_on, 'currency', OLD.currency, 'amount_minor', OLD.amount_minor, 'reason', OLD.reason, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_invoice_disputes_insert AFTER INSERT ON invoice_disputes
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_disputes', 'insert',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            NULL,
            json_object('id', NEW.id, 'invoice_id', NEW.invoice_id, 'opened_on', NEW.opened_on, 'reason', NEW.reason, 'resolved_on', NEW.resolved_on, 'resolution', NEW.resolution, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoice_disputes_update AFTER UPDATE ON invoice_disputes
WHEN OLD.id IS NOT NEW.id OR OLD.invoice_id IS NOT NEW.invoice_id OR OLD.opened_on IS NOT NEW.opened_on OR OLD.reason IS NOT NEW.reason OR OLD.resolved_on IS NOT NEW.resolved_on OR OLD.resolution IS NOT NEW.resolution OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_disputes', 'update',
            CAST(NEW.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id),
            json_object('id', OLD.id, 'invoice_id', OLD.invoice_id, 'opened_on', OLD.opened_on, 'reason', OLD.reason, 'resolved_on', OLD.resolved_on, 'resolution', OLD.resolution, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'invoice_id', NEW.invoice_id, 'opened_on', NEW.opened_on, 'reason', NEW.reason, 'resolved_on', NEW.resolved_on, 'resolution', NEW.resolution, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_invoice_disputes_delete AFTER DELETE ON invoice_disputes
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'invoice_disputes', 'delete',
            CAST(OLD.id AS TEXT), (SELECT debtor_id FROM invoices WHERE id = OLD.invoice_id),
            json_object('id', OLD.id, 'invoice_id', OLD.invoice_id, 'opened_on', OLD.opened_on, 'reason', OLD.reason, 'resolved_on', OLD.resolved_on, 'resolution', OLD.resolution, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_settings_insert AFTER INSERT ON settings
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'settings', 'insert',
            CAST(NEW.key AS TEXT), NULL,
            NULL,
            json_object('key', NEW.key, 'value', NEW.value));
END;

CREATE TRIGGER audit_settings_update AFTER UPDATE ON settings
WHEN OLD.key IS NOT NEW.key OR OLD.value IS NOT NEW.value
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'settings', 'update',
            CAST(NEW.key AS TEXT), NULL,
            json_object('key', OLD.key, 'value', OLD.value),
            json_object('key', NEW.key, 'value', NEW.value));
END;

CREATE TRIGGER audit_settings_delete AFTER DELETE ON settings
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'settings', 'delete',
            CAST(OLD.key AS TEXT), NULL,
            json_object('key', OLD.key, 'value', OLD.value),
            NULL);
END;

CREATE TRIGGER audit_dunning_policies_insert AFTER INSERT ON dunning_policies
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_policies', 'insert',
            CAST(NEW.id AS TEXT), NULL,
            NULL,
            json_object('id', NEW.id, 'name', NEW.name, 'is_default', NEW.is_default, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_dunning_policies_update AFTER UPDATE ON dunning_policies
WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.is_default IS NOT NEW.is_default OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_policies', 'update',
            CAST(NEW.id AS TEXT), NULL,
            json_object('id', OLD.id, 'name', OLD.name, 'is_default', OLD.is_default, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'name', NEW.name, 'is_default', NEW.is_default, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_dunning_policies_delete AFTER DELETE ON dunning_policies
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_policies', 'delete',
            CAST(OLD.id AS TEXT), NULL,
            json_object('id', OLD.id, 'name', OLD.name, 'is_default', OLD.is_default, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_dunning_levels_insert AFTER INSERT ON dunning_levels
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_levels', 'insert',
            CAST(NEW.id AS TEXT), NULL,
            NULL,
            json_object('id', NEW.id, 'policy_id', NEW.policy_id, 'number', NEW.number, 'name', NEW.name, 'trigger_days', NEW.trigger_days, 'min_open_minor', NEW.min_open_minor, 'min_open_currency', NEW.min_open_currency, 'audience', NEW.audience, 'channel', NEW.channel, 'template', NEW.template, 'wait_days', NEW.wait_days, 'deadline_days', NEW.deadline_days, 'attach', NEW.attach));
END;

CREATE TRIGGER audit_dunning_levels_update AFTER UPDATE ON dunning_levels
WHEN OLD.id IS NOT NEW.id OR OLD.policy_id IS NOT NEW.policy_id OR OLD.number IS NOT NEW.number OR OLD.name IS NOT NEW.name OR OLD.trigger_days IS NOT NEW.trigger_days OR OLD.min_open_minor IS NOT NEW.min_open_minor OR OLD.min_open_currency IS NOT NEW.min_open_currency OR OLD.audience IS NOT NEW.audience OR OLD.channel IS NOT NEW.channel OR OLD.template IS NOT NEW.template OR OLD.wait_days IS NOT NEW.wait_days OR OLD.deadline_days IS NOT NEW.deadline_days OR OLD.attach IS NOT NEW.attach
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_levels', 'update',
            CAST(NEW.id AS TEXT), NULL,
            json_object('id', OLD.id, 'policy_id', OLD.policy_id, 'number', OLD.number, 'name', OLD.name, 'trigger_days', OLD.trigger_days, 'min_open_minor', OLD.min_open_minor, 'min_open_currency', OLD.min_open_currency, 'audience', OLD.audience, 'channel', OLD.channel, 'template', OLD.template, 'wait_days', OLD.wait_days, 'deadline_days', OLD.deadline_days, 'attach', OLD.attach),
            json_object('id', NEW.id, 'policy_id', NEW.policy_id, 'number', NEW.number, 'name', NEW.name, 'trigger_days', NEW.trigger_days, 'min_open_minor', NEW.min_open_minor, 'min_open_currency', NEW.min_open_currency, 'audience', NEW.audience, 'channel', NEW.channel, 'template', NEW.template, 'wait_days', NEW.wait_days, 'deadline_days', NEW.deadline_days, 'attach', NEW.attach));
END;

CREATE TRIGGER audit_dunning_levels_delete AFTER DELETE ON dunning_levels
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_levels', 'delete',
            CAST(OLD.id AS TEXT), NULL,
            json_object('id', OLD.id, 'policy_id', OLD.policy_id, 'number', OLD.number, 'name', OLD.name, 'trigger_days', OLD.trigger_days, 'min_open_minor', OLD.min_open_minor, 'min_open_currency', OLD.min_open_currency, 'audience', OLD.audience, 'channel', OLD.channel, 'template', OLD.template, 'wait_days', OLD.wait_days, 'deadline_days', OLD.deadline_days, 'attach', OLD.attach),
            NULL);
END;

CREATE TRIGGER audit_debtor_dunning_policy_insert AFTER INSERT ON debtor_dunning_policy
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_dunning_policy', 'insert',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('debtor_id', NEW.debtor_id, 'policy_id', NEW.policy_id));
END;

CREATE TRIGGER audit_debtor_dunning_policy_update AFTER UPDATE ON debtor_dunning_policy
WHEN OLD.debtor_id IS NOT NEW.debtor_id OR OLD.policy_id IS NOT NEW.policy_id
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_dunning_policy', 'update',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy_id', OLD.policy_id),
            json_object('debtor_id', NEW.debtor_id, 'policy_id', NEW.policy_id));
END;

CREATE TRIGGER audit_debtor_dunning_policy_delete AFTER DELETE ON debtor_dunning_policy
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_dunning_policy', 'delete',
            CAST(OLD.debtor_id AS TEXT), OLD.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy_id', OLD.policy_id),
            NULL);
END;

CREATE TRIGGER audit_dunning_templates_insert AFTER INSERT ON dunning_templates
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_templates', 'insert',
            CAST(NEW.id AS TEXT), NULL,
            NULL,
            json_object('id', NEW.id, 'key', NEW.key, 'language', NEW.language, 'subject', NEW.subject, 'body', NEW.body, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_dunning_templates_update AFTER UPDATE ON dunning_templates
WHEN OLD.id IS NOT NEW.id OR OLD.key IS NOT NEW.key OR OLD.language IS NOT NEW.language OR OLD.subject IS NOT NEW.subject OR OLD.body IS NOT NEW.body OR OLD.updated_at IS NOT NEW.updated_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_templates', 'update',
            CAST(NEW.id AS TEXT), NULL,
            json_object('id', OLD.id, 'key', OLD.key, 'language', OLD.language, 'subject', OLD.subject, 'body', OLD.body, 'updated_at', OLD.updated_at),
            json_object('id', NEW.id, 'key', NEW.key, 'language', NEW.language, 'subject', NEW.subject, 'body', NEW.body, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_dunning_templates_delete AFTER DELETE ON dunning_templates
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'dunning_templates', 'delete',
            CAST(OLD.id AS TEXT), NULL,
            json_object('id', OLD.id, 'key', OLD.key, 'language', OLD.language, 'subject', OLD.subject, 'body', OLD.body, 'updated_at', OLD.updated_at),
            NULL);
END;

CREATE TRIGGER audit_debtor_credit_insert AFTER INSERT ON debtor_credit
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_credit', 'insert',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('debtor_id', NEW.debtor_id, 'policy', NEW.policy, 'external_rating', NEW.external_rating, 'trade_references', NEW.trade_references, 'notes', NEW.notes, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_debtor_credit_update AFTER UPDATE ON debtor_credit
WHEN OLD.debtor_id IS NOT NEW.debtor_id OR OLD.policy IS NOT NEW.policy OR OLD.external_rating IS NOT NEW.external_rating OR OLD.trade_references IS NOT NEW.trade_references OR OLD.notes IS NOT NEW.notes OR OLD.updated_at IS NOT NEW.updated_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_credit', 'update',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy', OLD.policy, 'external_rating', OLD.external_rating, 'trade_references', OLD.trade_references, 'notes', OLD.notes, 'updated_at', OLD.updated_at),
            json_object('debtor_id', NEW.debtor_id, 'policy', NEW.policy, 'external_rating', NEW.external_rating, 'trade_references', NEW.trade_references, 'notes', NEW.notes, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_debtor_credit_delete AFTER DELETE ON debtor_credit
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_credit', 'delete',
            CAST(OLD.debtor_id AS TEXT), OLD.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy', OLD.policy, 'external_rating', OLD.external_rating, 'trade_references', OLD.trade_references, 'notes', OLD.notes, 'updated_at', OLD.updated_at),
            NULL);
END;

CREATE TRIGGER audit_debtor_late_fee_policy_insert AFTER INSERT ON debtor_late_fee_policy
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_late_fee_policy', 'insert',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            NULL,
            json_object('debtor_id', NEW.debtor_id, 'policy', NEW.policy, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_debtor_late_fee_policy_update AFTER UPDATE ON debtor_late_fee_policy
WHEN OLD.debtor_id IS NOT NEW.debtor_id OR OLD.policy IS NOT NEW.policy OR OLD.updated_at IS NOT NEW.updated_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_late_fee_policy', 'update',
            CAST(NEW.debtor_id AS TEXT), NEW.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy', OLD.policy, 'updated_at', OLD.updated_at),
            json_object('debtor_id', NEW.debtor_id, 'policy', NEW.policy, 'updated_at', NEW.updated_at));
END;

CREATE TRIGGER audit_debtor_late_fee_policy_delete AFTER DELETE ON debtor_late_fee_policy
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'debtor_late_fee_policy', 'delete',
            CAST(OLD.debtor_id AS TEXT), OLD.debtor_id,
            json_object('debtor_id', OLD.debtor_id, 'policy', OLD.policy, 'updated_at', OLD.updated_at),
            NULL);
END;

CREATE TRIGGER audit_user_rate_rows_insert AFTER INSERT ON user_rate_rows
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'user_rate_rows', 'insert',
            CAST(NEW.id AS TEXT), NULL,
            NULL,
            json_object('id', NEW.id, 'series', NEW.series, 'valid_from', NEW.valid_from, 'valid_to', NEW.valid_to, 'rate', NEW.rate, 'source', NEW.source, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_user_rate_rows_update AFTER UPDATE ON user_rate_rows
WHEN OLD.id IS NOT NEW.id OR OLD.series IS NOT NEW.series OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_to IS NOT NEW.valid_to OR OLD.rate IS NOT NEW.rate OR OLD.source IS NOT NEW.source OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'user_rate_rows', 'update',
            CAST(NEW.id AS TEXT), NULL,
            json_object('id', OLD.id, 'series', OLD.series, 'valid_from', OLD.valid_from, 'valid_to', OLD.valid_to, 'rate', OLD.rate, 'source', OLD.source, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'series', NEW.series, 'valid_from', NEW.valid_from, 'valid_to', NEW.valid_to, 'rate', NEW.rate, 'source', NEW.source, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_user_rate_rows_delete AFTER DELETE ON user_rate_rows
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'user_rate_rows', 'delete',
            CAST(OLD.id AS TEXT), NULL,
            json_object('id', OLD.id, 'series', OLD.series, 'valid_from', OLD.valid_from, 'valid_to', OLD.valid_to, 'rate', OLD.rate, 'source', OLD.source, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_bank_accounts_insert AFTER INSERT ON bank_accounts
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'bank_accounts', 'insert',
            CAST(NEW.id AS TEXT), NULL,
            NULL,
            json_object('id', NEW.id, 'account_key', NEW.account_key, 'iban', NEW.iban, 'name', NEW.name, 'currency', NEW.currency, 'csv_mapping', NEW.csv_mapping, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_bank_accounts_update AFTER UPDATE ON bank_accounts
WHEN OLD.id IS NOT NEW.id OR OLD.account_key IS NOT NEW.account_key OR OLD.iban IS NOT NEW.iban OR OLD.name IS NOT NEW.name OR OLD.currency IS NOT NEW.currency OR OLD.csv_mapping IS NOT NEW.csv_mapping OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'bank_accounts', 'update',
            CAST(NEW.id AS TEXT), NULL,
            json_object('id', OLD.id, 'account_key', OLD.account_key, 'iban', OLD.iban, 'name', OLD.name, 'currency', OLD.currency, 'csv_mapping', OLD.csv_mapping, 'created_at', OLD.created_at),
            json_object('id', NEW.id, 'account_key', NEW.account_key, 'iban', NEW.iban, 'name', NEW.name, 'currency', NEW.currency, 'csv_mapping', NEW.csv_mapping, 'created_at', NEW.created_at));
END;

CREATE TRIGGER audit_bank_accounts_delete AFTER DELETE ON bank_accounts
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'bank_accounts', 'delete',
            CAST(OLD.id AS TEXT), NULL,
            json_object('id', OLD.id, 'account_key', OLD.account_key, 'iban', OLD.iban, 'name', OLD.name, 'currency', OLD.currency, 'csv_mapping', OLD.csv_mapping, 'created_at', OLD.created_at),
            NULL);
END;

CREATE TRIGGER audit_staff_insert AFTER INSERT ON staff
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'insert',
            NEW.login, NULL, NULL,
            json_object('login', NEW.login, 'name', NEW.name, 'role', NEW.role, 'added_at', NEW.added_at));
END;

CREATE TRIGGER audit_staff_update AFTER UPDATE ON staff
WHEN OLD.login IS NOT NEW.login OR OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR OLD.added_at IS NOT NEW.added_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'update',
            NEW.login, NULL,
            json_object('login', OLD.login, 'name', OLD.name, 'role', OLD.role, 'added_at', OLD.added_at),
            json_object('login', NEW.login, 'name', NEW.name, 'role', NEW.role, 'added_at', NEW.added_at));
END;

CREATE TRIGGER audit_staff_delete AFTER DELETE ON staff
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'delete',
            OLD.login, NULL,
            json_object('login', OLD.login, 'name', OLD.name, 'role', OLD.role, 'added_at', OLD.added_at), NULL);
END;
