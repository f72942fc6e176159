-- migrations/005_enhance_personnel.sql
-- Description: Enhanced personnel tracking (personnel type, contact preferences, Personnel_Expertise)
-- Version: 5
-- Date: 2025-06-10
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 4`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Add tracking fields to Personnel (defaults fill existing rows)
ALTER TABLE Personnel ADD COLUMN personnel_type TEXT DEFAULT 'External';
ALTER TABLE Personnel ADD COLUMN preferred_contact_method TEXT;
ALTER TABLE Personnel ADD COLUMN last_contact_date DATE;

-- Areas of expertise per person (licensing, fuel, supply chain, ...)
CREATE TABLE IF NOT EXISTS Personnel_Expertise (
    expertise_id INTEGER PRIMARY KEY AUTOINCREMENT,
    personnel_id INTEGER NOT NULL,
    expertise_area TEXT NOT NULL,
    proficiency_level TEXT,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (personnel_id, expertise_area),
    FOREIGN KEY (personnel_id) REFERENCES Personnel(personnel_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

-- Create indexes for performance
-- (the UNIQUE constraint already indexes Personnel_Expertise by personnel_id)
CREATE INDEX IF NOT EXISTS idx_personnel_type ON Personnel(personnel_type);
CREATE INDEX IF NOT EXISTS idx_personnel_expertise_area ON Personnel_Expertise(expertise_area);

-- Migrate existing data: our own staff are recorded with organization_type 'Internal'
UPDATE Personnel
SET personnel_type = 'Internal'
WHERE organization_type = 'Internal';

-- Migrate existing data: last contact date from the Contact_Log added in version 3
UPDATE Personnel
SET last_contact_date = (SELECT MAX(c.contact_date)
                         FROM Contact_Log c
                         WHERE c.contact_person_id = Personnel.personnel_id)
WHERE personnel_id IN (SELECT contact_person_id
                       FROM Contact_Log
                       WHERE contact_person_id IS NOT NULL);

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (5, datetime('now'), 'system', 'Enhanced personnel tracking');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
