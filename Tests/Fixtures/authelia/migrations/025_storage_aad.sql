-- Description: authelia V0025.StorageAAD.up.sql (SQLite)
-- Version: 25
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0025.StorageAAD.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 24`

BEGIN TRANSACTION;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (25, datetime('now'), 'system', 'authelia StorageAAD');

COMMIT;
