-- "What is open today" reads only this index: every column the aging and the open-item
-- lists need, for open invoices only (a partial covering index), so the question never
-- touches the rows of paid invoices. Maintained by SQLite with every balance change.
CREATE INDEX invoices_open_cover ON invoices
    (issue_date, id, debtor_id, number, due_date, currency, amount_minor, open_minor)
    WHERE open_minor > 0;
