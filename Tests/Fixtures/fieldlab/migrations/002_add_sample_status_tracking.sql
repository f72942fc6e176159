-- Description: Track sample status and lab receipt date (new columns, index, backfill)
-- Version: 2
-- Date: 2026-02-03
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 1`

BEGIN TRANSACTION;

-- New columns: NOT NULL columns get a non-null default so existing rows are valid.
ALTER TABLE Samples ADD COLUMN status TEXT NOT NULL DEFAULT 'collected';
ALTER TABLE Samples ADD COLUMN received_date DATE;
ALTER TABLE Samples ADD COLUMN priority INTEGER NOT NULL DEFAULT 3;

CREATE INDEX IF NOT EXISTS idx_samples_status ON Samples(status);

-- Data-only statements after the schema changes. Each touches only rows that
-- have not been backfilled yet, so running them again changes nothing.
UPDATE Samples
SET received_date = date(collected_at, '+1 day')
WHERE received_date IS NULL
  AND collected_at IS NOT NULL;

UPDATE Samples
SET status = 'analysed'
WHERE status = 'collected'
  AND EXISTS (SELECT 1 FROM Measurements m WHERE m.sample_id = Samples.sample_id);

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (2, datetime('now'), 'system', 'Added sample status and receipt date');

COMMIT;
