-- Description: Rename Staff.full_name to display_name and Instruments.calibration_due to next_calibration_date
-- Version: 9
-- Date: 2026-06-09
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 8`

BEGIN TRANSACTION;

-- RENAME COLUMN (SQLite 3.25+) also rewrites the views that use the column:
-- v_campaign_summary and v_sample_results read Staff.full_name.
ALTER TABLE Staff RENAME COLUMN full_name TO display_name;
ALTER TABLE Instruments RENAME COLUMN calibration_due TO next_calibration_date;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (9, datetime('now'), 'system', 'Renamed Staff.full_name and Instruments.calibration_due');

COMMIT;
