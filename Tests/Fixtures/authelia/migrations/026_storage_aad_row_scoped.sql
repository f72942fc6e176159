-- Description: authelia V0026.StorageAADRowScoped.up.sql (SQLite)
-- Version: 26
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0026.StorageAADRowScoped.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 25`

BEGIN TRANSACTION;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (26, datetime('now'), 'system', 'authelia StorageAADRowScoped');

COMMIT;
