-- migrations/003_add_crm_features.sql
-- Description: Add CRM tracking features (Contact_Log, Roundtable_History)
-- Version: 3
-- Date: 2025-04-15
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 2`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Create Contact_Log table
CREATE TABLE IF NOT EXISTS Contact_Log (
    contact_id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    contact_date DATE NOT NULL,
    contact_type TEXT,
    contacted_by INTEGER NOT NULL,
    contact_person_id INTEGER,
    contact_person_freetext TEXT,
    summary TEXT,
    is_confidential BOOLEAN DEFAULT 0,
    follow_up_needed BOOLEAN DEFAULT 0,
    follow_up_date DATE,
    follow_up_assigned_to INTEGER,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (contacted_by) REFERENCES Personnel(personnel_id),
    FOREIGN KEY (contact_person_id) REFERENCES Personnel(personnel_id),
    FOREIGN KEY (follow_up_assigned_to) REFERENCES Personnel(personnel_id),
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Create Roundtable_History table
CREATE TABLE IF NOT EXISTS Roundtable_History (
    history_id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    meeting_date DATE NOT NULL,
    discussion TEXT,
    action_items TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

-- Add CRM fields to Owners_Developers
ALTER TABLE Owners_Developers ADD COLUMN relationship_strength TEXT;
ALTER TABLE Owners_Developers ADD COLUMN relationship_notes TEXT;
ALTER TABLE Owners_Developers ADD COLUMN client_priority TEXT;
ALTER TABLE Owners_Developers ADD COLUMN client_status TEXT;

-- Create indexes for performance
CREATE INDEX IF NOT EXISTS idx_contact_log_entity ON Contact_Log(entity_type, entity_id);
CREATE INDEX IF NOT EXISTS idx_contact_log_date ON Contact_Log(contact_date);
CREATE INDEX IF NOT EXISTS idx_roundtable_entity ON Roundtable_History(entity_type, entity_id);
CREATE INDEX IF NOT EXISTS idx_roundtable_date ON Roundtable_History(meeting_date);

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (3, datetime('now'), 'system', 'Added CRM features (Contact_Log, Roundtable_History)');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
