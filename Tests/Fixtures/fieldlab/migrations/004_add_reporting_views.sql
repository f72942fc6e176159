-- Description: Add reporting views v_campaign_summary and v_sample_results
-- Version: 4
-- Date: 2026-03-10
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 3`

BEGIN TRANSACTION;

-- One row per campaign with its lead and counts of sites and samples.
CREATE VIEW IF NOT EXISTS v_campaign_summary AS
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

-- One row per result, with the sample, campaign, site, collector and instrument.
CREATE VIEW IF NOT EXISTS v_sample_results AS
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
VALUES (4, datetime('now'), 'system', 'Added reporting views');

COMMIT;
