-- migrations/004_add_supplier_diversity.sql
-- Description: Add supplier diversity tracking (vendor classification, Supplier_Certifications)
-- Version: 4
-- Date: 2025-05-20
-- Author: NukeWorks Team
-- Rollback: restore the pre-migration backup with `.restore --version 3`

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Add diversity fields to Technology_Vendors (defaults fill existing rows)
ALTER TABLE Technology_Vendors ADD COLUMN is_small_business BOOLEAN DEFAULT 0;
ALTER TABLE Technology_Vendors ADD COLUMN diversity_classification TEXT DEFAULT 'Not Assessed';
ALTER TABLE Technology_Vendors ADD COLUMN supplier_tier TEXT;

-- Certifications held by a vendor (SBA 8(a), WOSB, HUBZone, SDVOSB, NQA-1, ...)
CREATE TABLE IF NOT EXISTS Supplier_Certifications (
    certification_id INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id INTEGER NOT NULL,
    certification_type TEXT NOT NULL,
    certifying_body TEXT,
    certification_number TEXT,
    issue_date DATE,
    expiration_date DATE,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (vendor_id) REFERENCES Technology_Vendors(vendor_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Create indexes for performance
CREATE INDEX IF NOT EXISTS idx_supplier_cert_vendor ON Supplier_Certifications(vendor_id);
CREATE INDEX IF NOT EXISTS idx_supplier_cert_expiration ON Supplier_Certifications(expiration_date);
CREATE INDEX IF NOT EXISTS idx_vendors_diversity ON Technology_Vendors(diversity_classification);

-- Migrate existing data: vendors that already have a reactor design on record
-- are prime (Tier 1) suppliers; all others stay unclassified until reviewed.
UPDATE Technology_Vendors
SET supplier_tier = 'Tier 1'
WHERE supplier_tier IS NULL
  AND vendor_id IN (SELECT vendor_id FROM Products);

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (4, datetime('now'), 'system', 'Added supplier diversity tracking');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
