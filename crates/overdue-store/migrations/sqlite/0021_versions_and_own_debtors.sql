-- Issue 18: edits of dunning policies and templates carry a version, as debtors' do
-- since 0019 (a save read at an older version is refused, naming who saved in between);
-- a collector can be limited to the debtors whose account manager is their login (on
-- PostgreSQL by row-level security, which staff.rs applies with the staff grants). SQLite
-- keeps the same columns, so a book copied between the two keeps them; its staff audit
-- triggers, which name every column, are written again.

ALTER TABLE dunning_policies ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dunning_templates ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX debtors_account_manager ON debtors (account_manager) WHERE account_manager <> '';
ALTER TABLE staff ADD COLUMN own_debtors_only INTEGER NOT NULL DEFAULT 0 CHECK (own_debtors_only IN (0, 1));

DROP TRIGGER audit_staff_insert;
CREATE TRIGGER audit_staff_insert AFTER INSERT ON staff
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'insert',
            NEW.login, NULL, NULL,
            json_object('login', NEW.login, 'name', NEW.name, 'role', NEW.role, 'own_debtors_only', NEW.own_debtors_only, 'added_at', NEW.added_at));
END;


DROP TRIGGER audit_staff_update;
CREATE TRIGGER audit_staff_update AFTER UPDATE ON staff
WHEN OLD.login IS NOT NEW.login OR OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR OLD.own_debtors_only IS NOT NEW.own_debtors_only OR OLD.added_at IS NOT NEW.added_at
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'update',
            NEW.login, NULL,
            json_object('login', OLD.login, 'name', OLD.name, 'role', OLD.role, 'own_debtors_only', OLD.own_debtors_only, 'added_at', OLD.added_at),
            json_object('login', NEW.login, 'name', NEW.name, 'role', NEW.role, 'own_debtors_only', NEW.own_debtors_only, 'added_at', NEW.added_at));
END;


DROP TRIGGER audit_staff_delete;
CREATE TRIGGER audit_staff_delete AFTER DELETE ON staff
BEGIN
    INSERT INTO audit_log (at, login, tbl, action, row_key, debtor_id, old, new)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), (SELECT login FROM audit_actor WHERE id = 1), 'staff', 'delete',
            OLD.login, NULL,
            json_object('login', OLD.login, 'name', OLD.name, 'role', OLD.role, 'own_debtors_only', OLD.own_debtors_only, 'added_at', OLD.added_at), NULL);
END;
