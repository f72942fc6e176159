-- Description: Redefine v_campaign_summary with visit and result counts
-- Version: 10
-- Date: 2026-06-30
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 9`

BEGIN TRANSACTION;

-- A view cannot be altered: drop it and create the new definition.
DROP VIEW IF EXISTS v_campaign_summary;

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
VALUES (10, datetime('now'), 'system', 'Extended v_campaign_summary');

COMMIT;
