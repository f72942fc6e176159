-- Description: Initial FieldLab schema (staff, sites, campaigns, samples, instruments, measurements)
-- Version: 1
-- Date: 2026-01-12
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 0`

BEGIN TRANSACTION;

-- Schema version tracking
CREATE TABLE Schema_Version (
    version INTEGER PRIMARY KEY,
    applied_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    applied_by TEXT,
    description TEXT
);

-- Lab and field staff
CREATE TABLE Staff (
    staff_id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT UNIQUE NOT NULL,
    full_name TEXT NOT NULL,
    email TEXT,
    role TEXT,
    hired_date DATE,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- Sampling sites
CREATE TABLE Sites (
    site_id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_code TEXT UNIQUE NOT NULL,
    site_name TEXT NOT NULL,
    region TEXT,
    country TEXT,
    latitude REAL,
    longitude REAL,
    elevation_m REAL,
    habitat TEXT,
    notes TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_date TIMESTAMP
);

-- Sampling campaigns (status is free text in version 1)
CREATE TABLE Campaigns (
    campaign_id INTEGER PRIMARY KEY,
    campaign_code TEXT UNIQUE NOT NULL,
    title TEXT NOT NULL,
    lead_staff_id INTEGER REFERENCES Staff(staff_id),
    start_date DATE NOT NULL,
    end_date DATE,
    status TEXT DEFAULT 'planned',
    budget REAL,
    notes TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    modified_date TIMESTAMP
);

-- Which sites a campaign visits
CREATE TABLE Campaign_Sites (
    campaign_id INTEGER NOT NULL REFERENCES Campaigns(campaign_id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES Sites(site_id) ON DELETE CASCADE,
    visit_order INTEGER,
    planned_samples INTEGER DEFAULT 0,
    PRIMARY KEY (campaign_id, site_id)
);

-- Field and bench instruments (instrument_kind is free text in version 1)
CREATE TABLE Instruments (
    instrument_id INTEGER PRIMARY KEY AUTOINCREMENT,
    serial_no TEXT UNIQUE NOT NULL,
    model TEXT NOT NULL,
    manufacturer TEXT,
    instrument_kind TEXT,
    purchase_date DATE,
    calibration_due DATE,
    custodian_id INTEGER REFERENCES Staff(staff_id),
    is_active INTEGER NOT NULL DEFAULT 1
);

-- Physical samples taken at a site during a campaign
CREATE TABLE Samples (
    sample_id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_code TEXT UNIQUE NOT NULL,
    campaign_id INTEGER NOT NULL REFERENCES Campaigns(campaign_id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES Sites(site_id),
    collected_by INTEGER REFERENCES Staff(staff_id),
    collected_at TIMESTAMP,
    matrix TEXT NOT NULL,
    depth_m REAL,
    container TEXT,
    storage_temp_c REAL,
    notes TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- Analytical results (sample_id is nullable in version 1: imports could leave it empty)
CREATE TABLE Measurements (
    measurement_id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id INTEGER REFERENCES Samples(sample_id) ON DELETE CASCADE,
    instrument_id INTEGER REFERENCES Instruments(instrument_id),
    analyst_id INTEGER REFERENCES Staff(staff_id),
    parameter TEXT NOT NULL,
    value REAL,
    unit TEXT,
    measured_at TIMESTAMP,
    qc_flag TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- History of corrected results (no foreign key: the history outlives the row)
CREATE TABLE Measurement_Audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    measurement_id INTEGER NOT NULL,
    old_value REAL,
    new_value REAL,
    changed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_sites_region ON Sites(region);
CREATE INDEX idx_campaigns_lead ON Campaigns(lead_staff_id);
CREATE INDEX idx_campaigns_status ON Campaigns(status);
CREATE INDEX idx_campaign_sites_site ON Campaign_Sites(site_id);
CREATE INDEX idx_instruments_custodian ON Instruments(custodian_id);
CREATE INDEX idx_samples_campaign ON Samples(campaign_id);
CREATE INDEX idx_samples_site ON Samples(site_id);
CREATE INDEX idx_measurements_sample ON Measurements(sample_id);
CREATE INDEX idx_measurements_instrument ON Measurements(instrument_id);
CREATE INDEX idx_measurement_audit_measurement ON Measurement_Audit(measurement_id);

CREATE TRIGGER trg_sites_modified
AFTER UPDATE OF site_code, site_name, region, country, latitude, longitude, elevation_m, habitat, notes ON Sites
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Sites SET modified_date = CURRENT_TIMESTAMP WHERE site_id = NEW.site_id;
END;

CREATE TRIGGER trg_campaigns_modified
AFTER UPDATE OF campaign_code, title, lead_staff_id, start_date, end_date, status, budget, notes ON Campaigns
FOR EACH ROW
WHEN NEW.modified_date IS OLD.modified_date
BEGIN
    UPDATE Campaigns SET modified_date = CURRENT_TIMESTAMP WHERE campaign_id = NEW.campaign_id;
END;

CREATE TRIGGER trg_measurements_audit
AFTER UPDATE OF value ON Measurements
FOR EACH ROW
WHEN NEW.value IS NOT OLD.value
BEGIN
    INSERT INTO Measurement_Audit (measurement_id, old_value, new_value)
    VALUES (OLD.measurement_id, OLD.value, NEW.value);
END;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (1, datetime('now'), 'system', 'Initial FieldLab schema');

COMMIT;
