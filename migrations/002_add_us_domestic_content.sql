-- migrations/002_add_us_domestic_content.sql
-- Description: Add US domestic content tracking to Projects table
-- Version: 2
-- Date: 2025-03-15
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 1`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Add new columns to Projects table
ALTER TABLE Projects ADD COLUMN us_domestic_content_pct REAL;
ALTER TABLE Projects ADD COLUMN us_domestic_content_notes TEXT;

-- Create index for performance (if needed)
-- CREATE INDEX idx_projects_us_content ON Projects(us_domestic_content_pct);

-- Migrate existing data (if needed)
-- UPDATE Projects SET us_domestic_content_pct = 0.0 WHERE us_domestic_content_pct IS NULL;

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (2, datetime('now'), 'system', 'Added US domestic content tracking');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
