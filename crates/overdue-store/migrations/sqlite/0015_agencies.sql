-- Collection agencies (issue 20): agencies as records, the cases handed over to them (which
-- invoices, what was claimed), what they collected and the commission each collection cost.
-- One open case per debtor; a recalled or closed case stays for the record.

CREATE TABLE agencies (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    email               TEXT    NOT NULL DEFAULT '',
    -- Percent of each amount collected, as a decimal string ("15.0").
    commission_pct      TEXT    NOT NULL DEFAULT '0',
    -- Charged once per case, with its first collection, in the case's minor units.
    fee_per_case_minor  INTEGER NOT NULL DEFAULT 0 CHECK (fee_per_case_minor >= 0),
    terms               TEXT    NOT NULL DEFAULT '',
    countries           TEXT    NOT NULL DEFAULT '',
    created_at          TEXT    NOT NULL
);

CREATE TABLE agency_cases (
    id                  INTEGER PRIMARY KEY,
    agency_id           INTEGER NOT NULL REFERENCES agencies (id),
    debtor_id           INTEGER NOT NULL REFERENCES debtors (id),
    handed_over_on      TEXT    NOT NULL,
    currency            TEXT    NOT NULL CHECK (length(currency) = 3),
    principal_minor     INTEGER NOT NULL CHECK (principal_minor >= 0),
    interest_minor      INTEGER NOT NULL DEFAULT 0 CHECK (interest_minor >= 0),
    compensation_minor  INTEGER NOT NULL DEFAULT 0 CHECK (compensation_minor >= 0),
    status              TEXT    NOT NULL CHECK (status IN ('open', 'recalled', 'closed')),
    reason              TEXT    NOT NULL DEFAULT '',
    recalled_on         TEXT,
    recall_reason       TEXT    NOT NULL DEFAULT '',
    created_at          TEXT    NOT NULL
);
CREATE UNIQUE INDEX agency_cases_one_open ON agency_cases (debtor_id) WHERE status = 'open';
CREATE INDEX agency_cases_agency ON agency_cases (agency_id);

CREATE TABLE agency_case_invoices (
    case_id     INTEGER NOT NULL REFERENCES agency_cases (id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (case_id, invoice_id)
);

CREATE TABLE agency_collections (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES agency_cases (id),
    payment_id        INTEGER NOT NULL UNIQUE REFERENCES payments (id),
    collected_on      TEXT    NOT NULL,
    gross_minor       INTEGER NOT NULL CHECK (gross_minor > 0),
    commission_minor  INTEGER NOT NULL CHECK (commission_minor >= 0 AND commission_minor <= gross_minor),
    created_at        TEXT    NOT NULL
);
CREATE INDEX agency_collections_case ON agency_collections (case_id);
