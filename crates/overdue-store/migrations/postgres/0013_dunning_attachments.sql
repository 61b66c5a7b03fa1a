-- Dunning (issue 7): which documents an email level attaches as PDF: '' (none), 'letter'
-- (the level's letter, e.g. the final demand), 'statement' (the account statement) or
-- 'letter,statement'. The attached PDF is also stored as a document, so the email in the
-- contact log and the document carry the same bytes.
ALTER TABLE dunning_levels ADD COLUMN attach TEXT NOT NULL DEFAULT '';
