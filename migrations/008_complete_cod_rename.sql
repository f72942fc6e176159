-- migrations/008_complete_cod_rename.sql
-- Description: Complete the cod -> commercial_operation_date rename (step 2 of 2: rebuild Projects without cod)
-- Version: 8
-- Date: 2025-10-06
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 7`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back
--
-- Projects is rebuilt by the documented procedure
-- (https://www.sqlite.org/lang_altertable.html#otheralter).
-- The runner switches foreign-key enforcement off before this file and checks
-- foreign keys before COMMIT; with enforcement on, dropping Projects would
-- silently delete every row of the four Project_*_Relationships tables
-- (ON DELETE CASCADE).
-- Columns of Projects at version 7: those of version 1, plus
-- us_domestic_content_pct and us_domestic_content_notes (version 2) and
-- commercial_operation_date (version 7). Only cod is left out. Since
-- version 7 the application keeps the date in commercial_operation_date,
-- which is the value carried over.

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Step 1: Create new table without the old column
CREATE TABLE Projects_new (
    project_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_name TEXT NOT NULL,
    location TEXT,
    project_status TEXT,
    commercial_operation_date DATE,
    capacity_mw REAL,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    us_domestic_content_pct REAL,
    us_domestic_content_notes TEXT,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Step 2: Copy data, naming every column on both sides
INSERT INTO Projects_new (
    project_id, project_name, location, project_status,
    commercial_operation_date, capacity_mw, notes,
    created_by, created_date, modified_by, modified_date,
    us_domestic_content_pct, us_domestic_content_notes
)
SELECT
    project_id, project_name, location, project_status,
    commercial_operation_date, capacity_mw, notes,
    created_by, created_date, modified_by, modified_date,
    us_domestic_content_pct, us_domestic_content_notes
FROM Projects;

-- Step 3: Keep the AUTOINCREMENT high-water mark, so ids of deleted projects
-- are never reused (the copy alone only records the highest surviving id).
INSERT INTO sqlite_sequence (name, seq)
SELECT 'Projects_new', seq FROM sqlite_sequence
WHERE name = 'Projects'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Projects_new');
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'Projects')
WHERE name = 'Projects_new'
  AND seq < (SELECT seq FROM sqlite_sequence WHERE name = 'Projects');

-- Step 4: Drop the views that read Projects (since SQLite 3.26 the rename
-- below fails while a view refers to a missing table)
DROP VIEW IF EXISTS v_active_projects;

-- Step 5: Drop old table (its indexes, including idx_projects_cod, and its
-- triggers go with it)
DROP TABLE Projects;

-- Step 6: Rename new table
ALTER TABLE Projects_new RENAME TO Projects;

-- Step 7: Recreate indexes, triggers and views; cod becomes
-- commercial_operation_date
CREATE INDEX idx_projects_status ON Projects(project_status);
CREATE INDEX idx_projects_commercial_operation_date ON Projects(commercial_operation_date);

CREATE TRIGGER trg_projects_modified
AFTER UPDATE OF project_name, location, project_status, commercial_operation_date, capacity_mw, notes ON Projects
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Projects SET modified_date = CURRENT_TIMESTAMP WHERE project_id = NEW.project_id;
END;

CREATE VIEW v_active_projects AS
SELECT project_id,
       project_name,
       location,
       project_status,
       commercial_operation_date,
       CAST(strftime('%Y', commercial_operation_date) AS INTEGER) AS commercial_operation_year,
       capacity_mw
FROM Projects
WHERE project_status IN ('Planning', 'Licensing', 'Construction', 'Operating');

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (8, datetime('now'), 'system', 'Completed cod to commercial_operation_date rename');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
