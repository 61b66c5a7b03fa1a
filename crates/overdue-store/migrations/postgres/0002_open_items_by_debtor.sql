-- Open and overdue balances per debtor (debtor list, dashboard) read only this index:
-- open items of one debtor, with their currency, due date and open amount.
CREATE INDEX invoices_debtor_open ON invoices (debtor_id, currency, due_date, open_minor) WHERE open_minor > 0;
