-- Late fees and statutory interest on the stored book: each debtor's late-fee policy (the
-- default lives in settings), rate rows the user added or imported (overlaying the table
-- shipped with the app), and charges: interest, compensation and fees claimed on an
-- invoice, each a document of its own on the debtor's account, reversible, never merged
-- into the invoice.

CREATE TABLE debtor_late_fee_policy (
    debtor_id   INTEGER PRIMARY KEY REFERENCES debtors (id),
    policy      TEXT    NOT NULL,          -- JSON late-fee policy
    updated_at  TEXT    NOT NULL
);

CREATE TABLE user_rate_rows (
    id          INTEGER PRIMARY KEY,
    series      TEXT    NOT NULL,
    valid_from  TEXT    NOT NULL,
    valid_to    TEXT    NOT NULL CHECK (valid_to >= valid_from),
    rate        TEXT    NOT NULL,          -- decimal string, percent a year
    source      TEXT    NOT NULL CHECK (length(trim(source)) > 0),
    created_at  TEXT    NOT NULL,
    UNIQUE (series, valid_from)
);

CREATE TABLE charges (
    id               INTEGER PRIMARY KEY,
    debtor_id        INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('interest', 'compensation', 'fee')),
    charged_on       TEXT    NOT NULL,
    period_from      TEXT,
    period_to        TEXT,
    currency         TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    basis            TEXT    NOT NULL,
    reversed_on      TEXT,
    reversal_reason  TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL
);
CREATE INDEX charges_by_debtor ON charges (debtor_id, charged_on);
CREATE INDEX charges_by_invoice ON charges (invoice_id);
