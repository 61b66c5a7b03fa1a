-- Dunning (issue 7): which documents an email level attaches as PDF: '' (none), 'letter'
-- (the level's letter, e.g. the final demand), 'statement' (the account statement) or
-- 'letter,statement'. The attached PDF is also stored as a document, so the email in the
-- contact log and the document carry the same bytes.
ALTER TABLE dunning_levels ADD COLUMN attach TEXT NOT NULL DEFAULT '';

-- A later bounce of a sent dunning email (a delivery status notification matched by the
-- email's Message-ID): when it was recorded and what the notice said. The row stays
-- 'sent' (it did leave); the bounce is shown beside it and logged on the debtor.
ALTER TABLE dunning_actions ADD COLUMN bounced_at TIMESTAMPTZ;
ALTER TABLE dunning_actions ADD COLUMN bounce TEXT NOT NULL DEFAULT '';
