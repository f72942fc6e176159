-- Description: Remove training samples, orphaned results and double-imported results
-- Version: 5
-- Date: 2026-03-24
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 4`

BEGIN TRANSACTION;

-- Training samples (codes TEST-…) were entered during the 1.0 roll-out.
-- Foreign keys are off while a migration runs, so ON DELETE CASCADE does not
-- fire: delete their results first, or foreign_key_check fails before COMMIT.
DELETE FROM Measurements
WHERE sample_id IN (SELECT sample_id FROM Samples WHERE sample_code LIKE 'TEST-%');

DELETE FROM Samples
WHERE sample_code LIKE 'TEST-%';

-- Results imported without a sample: they cannot be attributed to anything.
DELETE FROM Measurements
WHERE sample_id IS NULL;

-- A CSV batch imported twice: keep the first copy of each result.
DELETE FROM Measurements
WHERE measurement_id NOT IN (
    SELECT min(measurement_id)
    FROM Measurements
    GROUP BY sample_id, parameter, value, unit, measured_at, instrument_id
);

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (5, datetime('now'), 'system', 'Removed test, orphaned and duplicate rows');

COMMIT;
