-- Receivables ledger (issue 3): credit notes and write-offs, payment reversals, disputes,
-- and the triggers that keep the stored open balances exact.
--
-- invoices.open_minor and payments.unapplied_minor are maintained HERE, by triggers, on
-- every allocation and adjustment, so no code path (app, import, demo load, a script with
-- the sqlite3 shell) can move money without moving the balance. Together with the CHECKs
-- of 0001 (open_minor >= 0, unapplied_minor >= 0) this makes over-allocation impossible:
-- the statement that would push a balance below zero fails and its transaction with it.

-- The invoice a payment named (remittance advice); allocation pays it first.
ALTER TABLE payments ADD COLUMN invoice_id INTEGER REFERENCES invoices (id);
-- A reversed payment (bounced, charged back, entered by mistake) is kept for the record.
ALTER TABLE payments ADD COLUMN reversed_on TEXT;
ALTER TABLE payments ADD COLUMN reversal_reason TEXT NOT NULL DEFAULT '';
-- Allocations are never deleted when a payment is reversed: they are marked, so a balance
-- as of a date before the reversal still counts them.
ALTER TABLE allocations ADD COLUMN reversed_on TEXT;

-- Credit notes and write-offs: documents that reduce one invoice's open balance.
CREATE TABLE invoice_adjustments (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('credit_note', 'write_off')),
    reference     TEXT    NOT NULL DEFAULT '',
    issued_on     TEXT    NOT NULL,
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    reason        TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE INDEX invoice_adjustments_invoice ON invoice_adjustments (invoice_id);
CREATE INDEX invoice_adjustments_issued ON invoice_adjustments (issued_on);

-- Dispute history; invoices.disputed_at / dispute_reason hold the current state.
CREATE TABLE invoice_disputes (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id),
    opened_on    TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    resolved_on  TEXT,
    resolution   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX invoice_disputes_invoice ON invoice_disputes (invoice_id);
CREATE UNIQUE INDEX invoice_disputes_one_open ON invoice_disputes (invoice_id) WHERE resolved_on IS NULL;

-- Balances as of a past date start from today's stored balance and undo only what happened
-- after that date, found through these indexes.
CREATE INDEX allocations_allocated_on ON allocations (allocated_on);
CREATE INDEX allocations_reversed_on ON allocations (reversed_on) WHERE reversed_on IS NOT NULL;
-- Metrics: sales and cash of a period.
CREATE INDEX invoices_issue_date ON invoices (issue_date);
CREATE INDEX payments_paid_on ON payments (paid_on);

CREATE TRIGGER allocations_guard BEFORE INSERT ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocation refused: the payment and the invoice belong to different debtors or currencies')
    WHERE NOT EXISTS (
        SELECT 1 FROM payments p, invoices i
        WHERE p.id = NEW.payment_id AND i.id = NEW.invoice_id
          AND p.debtor_id = i.debtor_id AND p.currency = i.currency
    );
    SELECT RAISE(ABORT, 'allocation refused: the payment is reversed')
    WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id = NEW.payment_id AND p.reversed_on IS NOT NULL);
END;

CREATE TRIGGER allocations_apply AFTER INSERT ON allocations WHEN NEW.reversed_on IS NULL
BEGIN
    UPDATE invoices SET open_minor = open_minor - NEW.amount_minor WHERE id = NEW.invoice_id;
    UPDATE payments SET unapplied_minor = unapplied_minor - NEW.amount_minor WHERE id = NEW.payment_id;
END;

CREATE TRIGGER allocations_unapply AFTER DELETE ON allocations WHEN OLD.reversed_on IS NULL
BEGIN
    UPDATE invoices SET open_minor = open_minor + OLD.amount_minor WHERE id = OLD.invoice_id;
    UPDATE payments SET unapplied_minor = unapplied_minor + OLD.amount_minor WHERE id = OLD.payment_id;
END;

CREATE TRIGGER allocations_reverse AFTER UPDATE OF reversed_on ON allocations
WHEN OLD.reversed_on IS NULL AND NEW.reversed_on IS NOT NULL
BEGIN
    UPDATE invoices SET open_minor = open_minor + OLD.amount_minor WHERE id = OLD.invoice_id;
    UPDATE payments SET unapplied_minor = unapplied_minor + OLD.amount_minor WHERE id = OLD.payment_id;
END;

CREATE TRIGGER allocations_no_unreverse BEFORE UPDATE OF reversed_on ON allocations
WHEN OLD.reversed_on IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a reversed allocation stays reversed: record a new payment instead');
END;

CREATE TRIGGER allocations_immutable BEFORE UPDATE OF payment_id, invoice_id, amount_minor, allocated_on ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocations are never edited: reverse the payment and record it again');
END;

CREATE TRIGGER invoice_adjustments_guard BEFORE INSERT ON invoice_adjustments
BEGIN
    SELECT RAISE(ABORT, 'adjustment refused: it is in another currency than the invoice')
    WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = NEW.invoice_id AND i.currency = NEW.currency);
END;

CREATE TRIGGER invoice_adjustments_apply AFTER INSERT ON invoice_adjustments
BEGIN
    UPDATE invoices SET open_minor = open_minor - NEW.amount_minor WHERE id = NEW.invoice_id;
END;

CREATE TRIGGER invoice_adjustments_unapply AFTER DELETE ON invoice_adjustments
BEGIN
    UPDATE invoices SET open_minor = open_minor + OLD.amount_minor WHERE id = OLD.invoice_id;
END;

CREATE TRIGGER invoice_adjustments_immutable BEFORE UPDATE OF invoice_id, amount_minor, issued_on, currency ON invoice_adjustments
BEGIN
    SELECT RAISE(ABORT, 'credit notes and write-offs are never edited: issue a new document');
END;
