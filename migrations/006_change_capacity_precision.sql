-- migrations/006_change_capacity_precision.sql
-- Description: Increase precision for thermal_capacity field (Products rebuilt with DECIMAL(10,3))
-- Version: 6
-- Date: 2025-07-01
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 5`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back
--
-- SQLite has no ALTER COLUMN, so Products is rebuilt by the documented
-- procedure (https://www.sqlite.org/lang_altertable.html#otheralter).
-- The runner switches foreign-key enforcement off before this file and checks
-- foreign keys before COMMIT; with enforcement on, dropping Products would
-- silently delete Project_Product_Relationships rows (ON DELETE CASCADE).
-- Versions 2 to 5 added no columns to Products, so its columns are still
-- exactly those of version 1, in the same order.

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Step 1: Create new table with updated schema
CREATE TABLE Products_new (
    product_id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_name TEXT NOT NULL,
    vendor_id INTEGER NOT NULL,
    reactor_type TEXT,
    thermal_capacity DECIMAL(10,3),  -- Changed from REAL to DECIMAL(10,3)
    thermal_efficiency REAL,
    burnup REAL,
    design_status TEXT,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (vendor_id) REFERENCES Technology_Vendors(vendor_id),
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Step 2: Copy data from old table
INSERT INTO Products_new SELECT * FROM Products;

-- Step 3: Keep the AUTOINCREMENT high-water mark, so ids of deleted products
-- are never reused (the copy alone only records the highest surviving id).
INSERT INTO sqlite_sequence (name, seq)
SELECT 'Products_new', seq FROM sqlite_sequence
WHERE name = 'Products'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Products_new');
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'Products')
WHERE name = 'Products_new'
  AND seq < (SELECT seq FROM sqlite_sequence WHERE name = 'Products');

-- Step 4: Drop the views that read Products (since SQLite 3.26 the rename
-- below fails while a view refers to a missing table)
DROP VIEW IF EXISTS v_product_catalog;

-- Step 5: Drop old table (its indexes and triggers go with it)
DROP TABLE Products;

-- Step 6: Rename new table
ALTER TABLE Products_new RENAME TO Products;

-- Step 7: Recreate indexes, triggers and views exactly as in version 1
CREATE INDEX idx_products_vendor ON Products(vendor_id);
CREATE INDEX idx_products_reactor_type ON Products(reactor_type);

CREATE TRIGGER trg_products_modified
AFTER UPDATE OF product_name, vendor_id, reactor_type, thermal_capacity, thermal_efficiency, burnup, design_status, notes ON Products
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Products SET modified_date = CURRENT_TIMESTAMP WHERE product_id = NEW.product_id;
END;

CREATE VIEW v_product_catalog AS
SELECT p.product_id,
       p.product_name,
       v.vendor_id,
       v.vendor_name,
       p.reactor_type,
       p.thermal_capacity,
       p.thermal_efficiency,
       p.burnup,
       p.design_status
FROM Products p
JOIN Technology_Vendors v ON v.vendor_id = p.vendor_id;

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (6, datetime('now'), 'system', 'Increased precision for thermal_capacity field');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
