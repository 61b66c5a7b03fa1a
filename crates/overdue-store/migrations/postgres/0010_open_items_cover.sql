-- "What is open today" reads only this index (index-only scans): every column the aging
-- and the open-item lists need, for open invoices only.
CREATE INDEX invoices_open_cover ON invoices (issue_date)
    INCLUDE (id, debtor_id, number, due_date, currency, amount_minor, open_minor)
    WHERE open_minor > 0;
