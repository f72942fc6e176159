-- Description: Add Site_Visits, filled from existing samples (create, copy, then update)
-- Version: 6
-- Date: 2026-04-14
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 5`

BEGIN TRANSACTION;

CREATE TABLE IF NOT EXISTS Site_Visits (
    visit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES Campaigns(campaign_id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES Sites(site_id) ON DELETE CASCADE,
    visit_date DATE NOT NULL,
    team_lead_id INTEGER REFERENCES Staff(staff_id),
    sample_count INTEGER NOT NULL DEFAULT 0,
    first_sample_at TIMESTAMP,
    last_sample_at TIMESTAMP,
    UNIQUE (campaign_id, site_id, visit_date)
);

-- One visit per campaign, site and day on which samples were collected.
INSERT INTO Site_Visits (campaign_id, site_id, visit_date)
SELECT DISTINCT s.campaign_id, s.site_id, date(s.collected_at)
FROM Samples s
WHERE s.collected_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM Site_Visits v
                  WHERE v.campaign_id = s.campaign_id
                    AND v.site_id = s.site_id
                    AND v.visit_date = date(s.collected_at))
ORDER BY date(s.collected_at), s.campaign_id, s.site_id;

-- Fill the derived columns of the visits just created.
UPDATE Site_Visits
SET sample_count = (SELECT count(*) FROM Samples s
                    WHERE s.campaign_id = Site_Visits.campaign_id
                      AND s.site_id = Site_Visits.site_id
                      AND date(s.collected_at) = Site_Visits.visit_date),
    first_sample_at = (SELECT min(s.collected_at) FROM Samples s
                       WHERE s.campaign_id = Site_Visits.campaign_id
                         AND s.site_id = Site_Visits.site_id
                         AND date(s.collected_at) = Site_Visits.visit_date),
    last_sample_at = (SELECT max(s.collected_at) FROM Samples s
                      WHERE s.campaign_id = Site_Visits.campaign_id
                        AND s.site_id = Site_Visits.site_id
                        AND date(s.collected_at) = Site_Visits.visit_date)
WHERE sample_count = 0;

UPDATE Site_Visits
SET team_lead_id = (SELECT s.collected_by FROM Samples s
                    WHERE s.campaign_id = Site_Visits.campaign_id
                      AND s.site_id = Site_Visits.site_id
                      AND date(s.collected_at) = Site_Visits.visit_date
                      AND s.collected_by IS NOT NULL
                    ORDER BY s.collected_at, s.sample_id
                    LIMIT 1)
WHERE team_lead_id IS NULL;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (6, datetime('now'), 'system', 'Added Site_Visits from samples');

COMMIT;
