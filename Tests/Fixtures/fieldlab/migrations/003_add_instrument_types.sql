-- Description: Add the Instrument_Types lookup with reference rows and link Instruments to it
-- Version: 3
-- Date: 2026-02-24
-- Author: FieldLab Team
-- Rollback: restore the pre-migration backup with `.restore --version 2`

BEGIN TRANSACTION;

CREATE TABLE IF NOT EXISTS Instrument_Types (
    type_id INTEGER PRIMARY KEY,
    type_code TEXT UNIQUE NOT NULL,
    type_name TEXT NOT NULL,
    measures TEXT,
    calibration_interval_days INTEGER NOT NULL DEFAULT 365
);

-- Reference rows (fixed ids, so that application code may refer to them)
INSERT INTO Instrument_Types (type_id, type_code, type_name, measures, calibration_interval_days) VALUES
    (1,  'ph_meter',     'pH meter',               'pH',                                  30),
    (2,  'conductivity', 'Conductivity meter',     'conductivity',                        90),
    (3,  'do_probe',     'Dissolved oxygen probe', 'dissolved_oxygen',                    30),
    (4,  'sonde',        'Multiparameter sonde',   'pH, conductivity, temperature, DO',   60),
    (5,  'turbidimeter', 'Turbidimeter',           'turbidity',                           90),
    (6,  'uv_vis',       'UV-Vis spectrophotometer', 'nitrate, phosphate',                180),
    (7,  'icp_ms',       'ICP-MS',                 'lead, cadmium, arsenic, zinc',       365),
    (8,  'gc_ms',        'GC-MS',                  'PAH',                                 365),
    (9,  'balance',      'Analytical balance',     'moisture',                            365),
    (10, 'other',        'Other / unclassified',   NULL,                                  365);

ALTER TABLE Instruments ADD COLUMN instrument_type_id INTEGER REFERENCES Instrument_Types(type_id);

-- Backfill from the free-text kind; only rows not linked yet.
UPDATE Instruments
SET instrument_type_id = (SELECT t.type_id FROM Instrument_Types t
                          WHERE lower(t.type_name) = lower(trim(Instruments.instrument_kind)))
WHERE instrument_type_id IS NULL;

UPDATE Instruments
SET instrument_type_id = 10
WHERE instrument_type_id IS NULL
  AND instrument_kind IS NOT NULL;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (3, datetime('now'), 'system', 'Added Instrument_Types lookup');

COMMIT;
