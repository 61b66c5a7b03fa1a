-- Agencies (issue 20): the contact person at the agency, and the minimum commission a case
-- costs once the agency collects anything (in the case's minor units, as the fee per case).
ALTER TABLE agencies ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN min_commission_minor INTEGER NOT NULL DEFAULT 0 CHECK (min_commission_minor >= 0);
