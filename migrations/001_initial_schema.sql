-- migrations/001_initial_schema.sql
-- Description: Initial NukeWorks schema (users, personnel, vendors, products, owners, projects, relationships, snapshots)
-- Version: 1
-- Date: 2025-01-15
-- Author: NukeWorks Team
-- Rollback: none needed; version 1 creates the schema in an empty database. To undo, discard the new database file.

-- IMPORTANT: This migration runs within a transaction
-- If any statement fails, entire migration is rolled back

BEGIN TRANSACTION;

-- ============================================================================
-- MIGRATION STATEMENTS
-- ============================================================================

-- Plain CREATE (no IF NOT EXISTS) on purpose: version 1 must start from an
-- empty database, and a leftover table should stop it rather than be reused.

-- Schema version tracking (spec section 2.1)
CREATE TABLE Schema_Version (
    version INTEGER PRIMARY KEY,
    applied_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    applied_by TEXT,
    description TEXT
);

-- Application users (authors of every record)
CREATE TABLE Users (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT UNIQUE NOT NULL,
    full_name TEXT,
    email TEXT,
    role TEXT,
    is_active BOOLEAN DEFAULT 1,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- Reactor technology vendors
CREATE TABLE Technology_Vendors (
    vendor_id INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_name TEXT NOT NULL UNIQUE,
    headquarters_country TEXT,
    website TEXT,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Owners, developers and operators of projects
CREATE TABLE Owners_Developers (
    owner_id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_name TEXT NOT NULL UNIQUE,
    company_type TEXT,
    headquarters_country TEXT,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- People we deal with. organization_type says which table organization_id
-- points into ('Vendor' -> Technology_Vendors, 'Owner' -> Owners_Developers,
-- 'Internal' -> NULL), so organization_id cannot carry a FOREIGN KEY.
CREATE TABLE Personnel (
    personnel_id INTEGER PRIMARY KEY AUTOINCREMENT,
    full_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    role TEXT,
    organization_id INTEGER,
    organization_type TEXT,
    is_active BOOLEAN DEFAULT 1,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- Reactor designs (column list matches spec section 10, scenario 2)
CREATE TABLE Products (
    product_id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_name TEXT NOT NULL,
    vendor_id INTEGER NOT NULL,
    reactor_type TEXT,
    thermal_capacity REAL,
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

-- Deployment projects
CREATE TABLE Projects (
    project_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_name TEXT NOT NULL,
    location TEXT,
    project_status TEXT,
    cod DATE,
    capacity_mw REAL,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_by INTEGER,
    modified_date TIMESTAMP,
    FOREIGN KEY (created_by) REFERENCES Users(user_id),
    FOREIGN KEY (modified_by) REFERENCES Users(user_id)
);

-- ----------------------------------------------------------------------------
-- Relationship tables. Each UNIQUE (project_id, ...) also serves as the
-- index for lookups by project_id, so only the second column gets its own.
-- ----------------------------------------------------------------------------

CREATE TABLE Project_Vendor_Relationships (
    relationship_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    vendor_id INTEGER NOT NULL,
    is_confidential BOOLEAN DEFAULT 0,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, vendor_id),
    FOREIGN KEY (project_id) REFERENCES Projects(project_id) ON DELETE CASCADE,
    FOREIGN KEY (vendor_id) REFERENCES Technology_Vendors(vendor_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

CREATE TABLE Project_Owner_Relationships (
    relationship_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    ownership_pct REAL,
    is_confidential BOOLEAN DEFAULT 0,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, owner_id),
    FOREIGN KEY (project_id) REFERENCES Projects(project_id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id) REFERENCES Owners_Developers(owner_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

CREATE TABLE Project_Product_Relationships (
    relationship_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    unit_count INTEGER DEFAULT 1,
    is_confidential BOOLEAN DEFAULT 0,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, product_id),
    FOREIGN KEY (project_id) REFERENCES Projects(project_id) ON DELETE CASCADE,
    FOREIGN KEY (product_id) REFERENCES Products(product_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

CREATE TABLE Project_Personnel_Relationships (
    relationship_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    personnel_id INTEGER NOT NULL,
    role_in_project TEXT,
    is_confidential BOOLEAN DEFAULT 0,
    notes TEXT,
    created_by INTEGER,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, personnel_id),
    FOREIGN KEY (project_id) REFERENCES Projects(project_id) ON DELETE CASCADE,
    FOREIGN KEY (personnel_id) REFERENCES Personnel(personnel_id) ON DELETE CASCADE,
    FOREIGN KEY (created_by) REFERENCES Users(user_id)
);

-- Where backups (manual, automated, pre-migration) are recorded
CREATE TABLE Database_Snapshots (snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT, snapshot_timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP, snapshot_type TEXT NOT NULL, snapshot_path TEXT NOT NULL, created_by INTEGER, description TEXT, size_bytes INTEGER, FOREIGN KEY (created_by) REFERENCES Users(user_id));

-- ----------------------------------------------------------------------------
-- Indexes
-- ----------------------------------------------------------------------------

CREATE INDEX idx_personnel_organization ON Personnel(organization_type, organization_id);
CREATE INDEX idx_products_vendor ON Products(vendor_id);
CREATE INDEX idx_products_reactor_type ON Products(reactor_type);
CREATE INDEX idx_projects_status ON Projects(project_status);
CREATE INDEX idx_projects_cod ON Projects(cod);
CREATE INDEX idx_project_vendor_vendor ON Project_Vendor_Relationships(vendor_id);
CREATE INDEX idx_project_owner_owner ON Project_Owner_Relationships(owner_id);
CREATE INDEX idx_project_product_product ON Project_Product_Relationships(product_id);
CREATE INDEX idx_project_personnel_personnel ON Project_Personnel_Relationships(personnel_id);
CREATE INDEX idx_snapshots_timestamp ON Database_Snapshots(snapshot_timestamp);

-- ----------------------------------------------------------------------------
-- Views and triggers. Table rebuilds of Products (006) and Projects (008)
-- must drop and recreate these.
-- ----------------------------------------------------------------------------

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

-- Stamp modified_date when a user edits a product, unless the edit set it.
-- UPDATE OF limits this to the product's own fields, so migrations that
-- backfill other columns do not look like user edits.
CREATE TRIGGER trg_products_modified
AFTER UPDATE OF product_name, vendor_id, reactor_type, thermal_capacity, thermal_efficiency, burnup, design_status, notes ON Products
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Products SET modified_date = CURRENT_TIMESTAMP WHERE product_id = NEW.product_id;
END;

CREATE VIEW v_active_projects AS
SELECT project_id,
       project_name,
       location,
       project_status,
       cod,
       CAST(strftime('%Y', cod) AS INTEGER) AS cod_year,
       capacity_mw
FROM Projects
WHERE project_status IN ('Planning', 'Licensing', 'Construction', 'Operating');

CREATE TRIGGER trg_projects_modified
AFTER UPDATE OF project_name, location, project_status, cod, capacity_mw, notes ON Projects
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Projects SET modified_date = CURRENT_TIMESTAMP WHERE project_id = NEW.project_id;
END;

-- ============================================================================
-- UPDATE SCHEMA VERSION
-- ============================================================================

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (1, datetime('now'), 'system', 'Initial schema creation');

-- ============================================================================
-- COMMIT TRANSACTION
-- ============================================================================

COMMIT;
