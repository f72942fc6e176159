-- migrations/007_add_commercial_operation_date.sql
-- Description: Prepare the cod -> commercial_operation_date rename (step 1 of 2: add column, copy data)
-- Version: 7
-- Date: 2025-08-18
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 6`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back
--
-- Projects.cod stays in place until version 8, so that the data can be
-- checked in the new column first (spec section 5.2, two-step rename).

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Add the new column and copy existing dates
ALTER TABLE Projects ADD COLUMN commercial_operation_date DATE;
UPDATE Projects SET commercial_operation_date = cod WHERE cod IS NOT NULL;

-- Create index for performance (replaces idx_projects_cod in version 8)
CREATE INDEX IF NOT EXISTS idx_projects_commercial_operation_date ON Projects(commercial_operation_date);

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (7, datetime('now'), 'system', 'Added commercial_operation_date column');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
