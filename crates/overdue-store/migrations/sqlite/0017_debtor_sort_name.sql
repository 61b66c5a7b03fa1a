-- One sort key for debtor names on both backends (issue 17): the name folded in Rust
-- (Ł with L, Ş with S, Ø with O, ß as ss, case ignored) and compared byte by byte, so
-- SQLite and PostgreSQL list debtors in the same order whatever the server's collation.
-- Existing rows get their key from the store right after this migration (the folding is
-- Rust code, not SQL); every write of a debtor keeps it current.
ALTER TABLE debtors ADD COLUMN sort_name TEXT;
