-- Bank statements (issue 13): own bank accounts, imported statements, their entries, the
-- rules that ignore entries (rent, salaries), and the IBANs a debtor pays from.
--
-- An entry's identity (bank_entries.identity, unique per account) decides what a second
-- import of the same or an overlapping file skips: the bank's own reference for the entry
-- when the file carries one (camt AcctSvcrRef, MT940 bank reference, OFX FITID), else a
-- digest of booking date, side, amount, currency, counterparty IBAN, end-to-end id and
-- remittance text; the n-th identical transaction of a statement gets "#n" so two real
-- identical payments on one day stay two.

CREATE TABLE bank_accounts (
    id           INTEGER PRIMARY KEY,
    -- IBAN (uppercase, no spaces), or the account as the file names it (BLZ/account).
    account_key  TEXT    NOT NULL UNIQUE CHECK (length(trim(account_key)) > 0),
    iban         TEXT,
    name         TEXT    NOT NULL DEFAULT '',
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    -- The CSV column mapping last used for this account (JSON), so the next file needs none.
    csv_mapping  TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);

CREATE TABLE bank_statements (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES bank_accounts (id),
    format          TEXT    NOT NULL,
    file_name       TEXT    NOT NULL DEFAULT '',
    file_sha256     TEXT    NOT NULL,
    statement_ref   TEXT    NOT NULL DEFAULT '',
    sequence        TEXT    NOT NULL DEFAULT '',
    period_from     TEXT,
    period_to       TEXT,
    currency        TEXT    NOT NULL CHECK (length(currency) = 3),
    opening_minor   INTEGER,
    closing_minor   INTEGER,
    -- What did not add up (opening + entries != closing), '' when it did or was not given.
    balance_problem TEXT    NOT NULL DEFAULT '',
    entries         INTEGER NOT NULL CHECK (entries >= 0),
    duplicates      INTEGER NOT NULL CHECK (duplicates >= 0),
    imported_at     TEXT    NOT NULL
);
CREATE INDEX bank_statements_account ON bank_statements (account_id, period_to);

CREATE TABLE bank_ignore_rules (
    id            INTEGER PRIMARY KEY,
    -- Folded counterparty name or IBAN the rule matches ('' = any).
    counterparty  TEXT    NOT NULL DEFAULT '',
    -- Folded text the remittance must contain ('' = any).
    text          TEXT    NOT NULL DEFAULT '',
    label         TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    CHECK (counterparty <> '' OR text <> '')
);

CREATE TABLE bank_entries (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES bank_accounts (id),
    statement_id        INTEGER NOT NULL REFERENCES bank_statements (id),
    identity            TEXT    NOT NULL,
    booking_date        TEXT    NOT NULL,
    value_date          TEXT,
    currency            TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    side                TEXT    NOT NULL CHECK (side IN ('credit', 'debit')),
    reversal            INTEGER NOT NULL DEFAULT 0,
    is_return           INTEGER NOT NULL DEFAULT 0,
    return_reason       TEXT    NOT NULL DEFAULT '',
    counterparty        TEXT    NOT NULL DEFAULT '',
    counterparty_iban   TEXT    NOT NULL DEFAULT '',
    counterparty_bic    TEXT    NOT NULL DEFAULT '',
    remittance          TEXT    NOT NULL DEFAULT '',
    creditor_reference  TEXT    NOT NULL DEFAULT '',
    end_to_end_id       TEXT    NOT NULL DEFAULT '',
    bank_reference      TEXT    NOT NULL DEFAULT '',
    bank_code           TEXT    NOT NULL DEFAULT '',
    location            TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL CHECK (status IN ('matched', 'suggested', 'unmatched', 'ignored')),
    -- The debtor the match or the suggestion names.
    debtor_id           INTEGER REFERENCES debtors (id),
    -- Matched credit: the payment it created. Matched return: the payment it reversed.
    payment_id          INTEGER REFERENCES payments (id),
    -- The proposal (JSON: [{"invoice_id", "number", "amount"}]) and why, in words (JSON list).
    proposal            TEXT    NOT NULL DEFAULT '',
    confidence          INTEGER NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 100),
    reasons             TEXT    NOT NULL DEFAULT '',
    ignore_rule_id      INTEGER REFERENCES bank_ignore_rules (id),
    created_at          TEXT    NOT NULL,
    UNIQUE (account_id, identity),
    CHECK (status <> 'matched' OR payment_id IS NOT NULL)
);
CREATE INDEX bank_entries_status ON bank_entries (status, booking_date);
CREATE INDEX bank_entries_statement ON bank_entries (statement_id);
CREATE INDEX bank_entries_payment ON bank_entries (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX bank_entries_iban ON bank_entries (counterparty_iban) WHERE counterparty_iban <> '';

-- The IBANs a debtor pays from: entered by the user ('stored') or learned from a matched
-- bank credit ('learned').
CREATE TABLE debtor_ibans (
    debtor_id   INTEGER NOT NULL REFERENCES debtors (id),
    iban        TEXT    NOT NULL CHECK (length(iban) BETWEEN 5 AND 34),
    source      TEXT    NOT NULL CHECK (source IN ('stored', 'learned')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (debtor_id, iban)
);
CREATE INDEX debtor_ibans_iban ON debtor_ibans (iban);
