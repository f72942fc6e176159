-- Description: Add indexes for the reporting queries (indexes only)
-- Version: 7
-- Date: 2026-04-28
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 6`

BEGIN TRANSACTION;

CREATE INDEX IF NOT EXISTS idx_samples_collected_at ON Samples(collected_at);
CREATE INDEX IF NOT EXISTS idx_measurements_parameter_time ON Measurements(parameter, measured_at);
CREATE INDEX IF NOT EXISTS idx_measurements_analyst ON Measurements(analyst_id);
CREATE INDEX IF NOT EXISTS idx_site_visits_site_date ON Site_Visits(site_id, visit_date);
CREATE INDEX IF NOT EXISTS idx_instruments_type ON Instruments(instrument_type_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_staff_email ON Staff(email) WHERE email IS NOT NULL;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (7, datetime('now'), 'system', 'Added reporting indexes');

COMMIT;
