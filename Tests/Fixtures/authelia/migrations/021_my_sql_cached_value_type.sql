-- Description: authelia V0021.MySQLCachedValueType.up.sql (SQLite)
-- Version: 21
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0021.MySQLCachedValueType.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 20`

BEGIN TRANSACTION;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (21, datetime('now'), 'system', 'authelia MySQLCachedValueType');

COMMIT;
