-- Issue 18: edits of dunning policies and templates carry a version, as debtors' do
-- since 0019 (a save read at an older version is refused, naming who saved in between);
-- a collector can be limited to the debtors whose account manager is their login, by
-- row-level security, which staff.rs applies with the staff grants (to every table that
-- names a debtor or an invoice, also those added later). The audit triggers read whole
-- rows (to_jsonb), so the new columns are recorded without changing them.

ALTER TABLE dunning_policies ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dunning_templates ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX debtors_account_manager ON debtors (account_manager) WHERE account_manager <> '';
ALTER TABLE staff ADD COLUMN own_debtors_only BOOLEAN NOT NULL DEFAULT false;
