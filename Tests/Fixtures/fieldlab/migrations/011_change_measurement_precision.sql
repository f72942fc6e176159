-- Description: Rebuild Measurements with value as NUMERIC(12,4) and a required sample_id
-- Version: 11
-- Date: 2026-07-21
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 10`

BEGIN TRANSACTION;

-- SQLite has no ALTER COLUMN, so Measurements is rebuilt by the documented
-- procedure (https://www.sqlite.org/lang_altertable.html#otheralter).
-- value: REAL -> NUMERIC(12,4); sample_id becomes NOT NULL (version 5 removed
-- the results without a sample). No migration since version 1 added a
-- column to Measurements. Measurements uses AUTOINCREMENT: its
-- sqlite_sequence high-water mark is carried over, so that the ids of the
-- results deleted by version 5 are never handed out again.

-- Step 1: the new table
CREATE TABLE Measurements_new (
    measurement_id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id INTEGER NOT NULL REFERENCES Samples(sample_id) ON DELETE CASCADE,
    instrument_id INTEGER REFERENCES Instruments(instrument_id),
    analyst_id INTEGER REFERENCES Staff(staff_id),
    parameter TEXT NOT NULL,
    value NUMERIC(12,4),
    unit TEXT,
    measured_at TIMESTAMP,
    qc_flag TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- Step 2: copy the rows
INSERT INTO Measurements_new (measurement_id, sample_id, instrument_id, analyst_id, parameter,
                              value, unit, measured_at, qc_flag, created_date)
SELECT measurement_id, sample_id, instrument_id, analyst_id, parameter,
       value, unit, measured_at, qc_flag, created_date
FROM Measurements
ORDER BY measurement_id;

-- Step 3: keep the AUTOINCREMENT high-water mark (the copy alone only
-- records the highest surviving id, or nothing when the table is empty)
INSERT INTO sqlite_sequence (name, seq)
SELECT 'Measurements_new', seq FROM sqlite_sequence
WHERE name = 'Measurements'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Measurements_new');
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'Measurements')
WHERE name = 'Measurements_new'
  AND seq < (SELECT seq FROM sqlite_sequence WHERE name = 'Measurements');

-- Step 4: drop the views that read Measurements
DROP VIEW IF EXISTS v_campaign_summary;
DROP VIEW IF EXISTS v_sample_results;

-- Step 5: drop the old table (its indexes and trigger go with it)
DROP TABLE Measurements;

-- Step 6: rename the new table
ALTER TABLE Measurements_new RENAME TO Measurements;

-- Step 7: recreate the indexes (versions 1 and 7) and the audit trigger (version 1)
CREATE INDEX IF NOT EXISTS idx_measurements_sample ON Measurements(sample_id);
CREATE INDEX IF NOT EXISTS idx_measurements_instrument ON Measurements(instrument_id);
CREATE INDEX IF NOT EXISTS idx_measurements_parameter_time ON Measurements(parameter, measured_at);
CREATE INDEX IF NOT EXISTS idx_measurements_analyst ON Measurements(analyst_id);

CREATE TRIGGER trg_measurements_audit
AFTER UPDATE OF value ON Measurements
FOR EACH ROW
WHEN NEW.value IS NOT OLD.value
BEGIN
    INSERT INTO Measurement_Audit (measurement_id, old_value, new_value)
    VALUES (OLD.measurement_id, OLD.value, NEW.value);
END;

-- Step 8: recreate the views as they are at version 10
CREATE VIEW v_sample_results AS
SELECT sa.sample_id,
       sa.sample_code,
       c.campaign_code,
       si.site_code,
       si.site_name,
       sa.matrix,
       sa.collected_at,
       col.display_name AS collected_by_name,
       m.measurement_id,
       m.parameter,
       m.value,
       m.unit,
       m.qc_flag,
       m.measured_at,
       i.serial_no AS instrument_serial
FROM Measurements m
JOIN Samples sa ON sa.sample_id = m.sample_id
JOIN Campaigns c ON c.campaign_id = sa.campaign_id
JOIN Sites si ON si.site_id = sa.site_id
LEFT JOIN Staff col ON col.staff_id = sa.collected_by
LEFT JOIN Instruments i ON i.instrument_id = m.instrument_id;

CREATE VIEW v_campaign_summary AS
SELECT c.campaign_id,
       c.campaign_code,
       c.title,
       c.status,
       c.start_date,
       c.end_date,
       s.display_name AS lead_name,
       (SELECT count(*) FROM Campaign_Sites cs WHERE cs.campaign_id = c.campaign_id) AS site_count,
       (SELECT count(*) FROM Samples sa WHERE sa.campaign_id = c.campaign_id) AS sample_count,
       (SELECT count(*) FROM Site_Visits v WHERE v.campaign_id = c.campaign_id) AS visit_count,
       (SELECT max(v.visit_date) FROM Site_Visits v WHERE v.campaign_id = c.campaign_id) AS last_visit_date,
       (SELECT count(*) FROM Measurements m
        JOIN Samples sa ON sa.sample_id = m.sample_id
        WHERE sa.campaign_id = c.campaign_id) AS result_count
FROM Campaigns c
LEFT JOIN Staff s ON s.staff_id = c.lead_staff_id;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (11, datetime('now'), 'system', 'Changed Measurements.value to NUMERIC(12,4)');

COMMIT;
