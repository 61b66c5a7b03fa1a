-- Overdue schema v1 (SQLite). Money is INTEGER minor units plus a currency code;
-- dates are ISO 8601 text (YYYY-MM-DD), instants are RFC 3339 UTC text.

CREATE TABLE debtors (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('company', 'individual', 'sole_trader')),
    name                TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    external_ref        TEXT    UNIQUE,
    language            TEXT    NOT NULL DEFAULT 'en',
    currency            TEXT    NOT NULL CHECK (length(currency) = 3),
    payment_terms_days  INTEGER NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    credit_limit_minor  INTEGER CHECK (credit_limit_minor IS NULL OR credit_limit_minor >= 0),
    address_lines       TEXT    NOT NULL DEFAULT '',
    postal_code         TEXT    NOT NULL DEFAULT '',
    city                TEXT    NOT NULL DEFAULT '',
    country             TEXT    NOT NULL DEFAULT '',
    tags                TEXT    NOT NULL DEFAULT '',
    notes               TEXT    NOT NULL DEFAULT '',
    account_manager     TEXT    NOT NULL DEFAULT '',
    archived_at         TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX debtors_name ON debtors (name COLLATE NOCASE);
CREATE INDEX debtors_city ON debtors (city COLLATE NOCASE);

CREATE TABLE debtor_contacts (
    id          INTEGER PRIMARY KEY,
    debtor_id   INTEGER NOT NULL REFERENCES debtors (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL DEFAULT '',
    email       TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    UNIQUE (debtor_id, position)
);

-- Search-as-you-type over name, reference, contact emails and city. Maintained by the
-- store in the same transaction as every debtor write (rowid = debtors.id).
CREATE VIRTUAL TABLE debtors_fts USING fts5 (
    name, external_ref, emails, city,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY,
    debtor_id       INTEGER NOT NULL REFERENCES debtors (id),
    number          TEXT    NOT NULL UNIQUE,
    issue_date      TEXT    NOT NULL,
    due_date        TEXT    NOT NULL CHECK (due_date >= issue_date),
    currency        TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    tax_minor       INTEGER NOT NULL DEFAULT 0,
    -- Maintained incrementally with every allocation, credit and write-off, so "what is
    -- open today" reads open items only.
    open_minor      INTEGER NOT NULL CHECK (open_minor >= 0 AND open_minor <= amount_minor),
    description     TEXT    NOT NULL DEFAULT '',
    disputed_at     TEXT,
    dispute_reason  TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL
);
CREATE INDEX invoices_debtor ON invoices (debtor_id, due_date);
CREATE INDEX invoices_open ON invoices (due_date) WHERE open_minor > 0;

CREATE TABLE payments (
    id               INTEGER PRIMARY KEY,
    debtor_id        INTEGER NOT NULL REFERENCES debtors (id),
    paid_on          TEXT    NOT NULL,
    currency         TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    unapplied_minor  INTEGER NOT NULL CHECK (unapplied_minor >= 0 AND unapplied_minor <= amount_minor),
    method           TEXT    NOT NULL DEFAULT '',
    reference        TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL
);
CREATE INDEX payments_debtor ON payments (debtor_id, paid_on);

CREATE TABLE allocations (
    id            INTEGER PRIMARY KEY,
    payment_id    INTEGER NOT NULL REFERENCES payments (id),
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    allocated_on  TEXT    NOT NULL
);
CREATE INDEX allocations_invoice ON allocations (invoice_id);
CREATE INDEX allocations_payment ON allocations (payment_id);

-- Application settings (key -> JSON text). Never secrets: those live in the OS keyring.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
