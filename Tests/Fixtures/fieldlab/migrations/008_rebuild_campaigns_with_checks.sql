-- Description: Rebuild Campaigns with CHECK constraints on status and dates, lead ON DELETE SET NULL
-- Version: 8
-- Date: 2026-05-19
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 7`

BEGIN TRANSACTION;

-- SQLite cannot add a CHECK constraint or change a foreign key action with
-- ALTER TABLE, so Campaigns is rebuilt by the documented procedure
-- (https://www.sqlite.org/lang_altertable.html#otheralter).
-- Campaigns is the parent of Campaign_Sites, Samples and Site_Visits, all
-- ON DELETE CASCADE (and Measurements cascades from Samples): with foreign
-- keys ON, DROP TABLE Campaigns would delete all of them. migsh runs this
-- file with foreign keys OFF and runs foreign_key_check before COMMIT.
-- No migration since version 1 added a column to Campaigns.

-- Step 1: the new table
CREATE TABLE Campaigns_new (
    campaign_id INTEGER PRIMARY KEY,
    campaign_code TEXT UNIQUE NOT NULL,
    title TEXT NOT NULL,
    lead_staff_id INTEGER REFERENCES Staff(staff_id) ON DELETE SET NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    budget REAL,
    notes TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_date TIMESTAMP,
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- Step 2: copy, normalizing the free-text status of version 1. An unknown
-- status is copied as it is and fails the CHECK, which stops the migration.
INSERT INTO Campaigns_new (campaign_id, campaign_code, title, lead_staff_id, start_date, end_date,
                           status, budget, notes, created_date, modified_date)
SELECT campaign_id, campaign_code, title, lead_staff_id, start_date, end_date,
       CASE lower(trim(status))
           WHEN 'done' THEN 'completed'
           WHEN 'finished' THEN 'completed'
           WHEN 'canceled' THEN 'cancelled'
           WHEN 'in progress' THEN 'active'
           ELSE coalesce(lower(trim(status)), 'planned')
       END,
       budget, notes, created_date, modified_date
FROM Campaigns
ORDER BY campaign_id;

-- Step 3: drop the views that read Campaigns (since SQLite 3.26 the rename
-- below fails while a view refers to a missing table)
DROP VIEW IF EXISTS v_campaign_summary;
DROP VIEW IF EXISTS v_sample_results;

-- Step 4: drop the old table (its indexes and trigger go with it)
DROP TABLE Campaigns;

-- Step 5: rename the new table
ALTER TABLE Campaigns_new RENAME TO Campaigns;

-- Step 6: recreate indexes and the trigger as in version 1
CREATE INDEX IF NOT EXISTS idx_campaigns_lead ON Campaigns(lead_staff_id);
CREATE INDEX IF NOT EXISTS idx_campaigns_status ON Campaigns(status);

CREATE TRIGGER trg_campaigns_modified
AFTER UPDATE OF campaign_code, title, lead_staff_id, start_date, end_date, status, budget, notes ON Campaigns
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Campaigns SET modified_date = CURRENT_TIMESTAMP WHERE campaign_id = NEW.campaign_id;
END;

-- Step 7: recreate the views exactly as in version 4
CREATE VIEW v_campaign_summary AS
SELECT c.campaign_id,
       c.campaign_code,
       c.title,
       c.status,
       c.start_date,
       c.end_date,
       s.full_name AS lead_name,
       (SELECT count(*) FROM Campaign_Sites cs WHERE cs.campaign_id = c.campaign_id) AS site_count,
       (SELECT count(*) FROM Samples sa WHERE sa.campaign_id = c.campaign_id) AS sample_count
FROM Campaigns c
LEFT JOIN Staff s ON s.staff_id = c.lead_staff_id;

CREATE VIEW v_sample_results AS
SELECT sa.sample_id,
       sa.sample_code,
       c.campaign_code,
       si.site_code,
       si.site_name,
       sa.matrix,
       sa.collected_at,
       col.full_name AS collected_by_name,
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

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (8, datetime('now'), 'system', 'Rebuilt Campaigns with CHECK constraints');

COMMIT;
