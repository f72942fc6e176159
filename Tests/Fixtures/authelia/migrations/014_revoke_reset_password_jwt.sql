-- Description: authelia V0014.RevokeResetPasswordJWT.up.sql (SQLite)
-- Version: 14
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0014.RevokeResetPasswordJWT.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 13`

BEGIN TRANSACTION;
ALTER TABLE identity_verification ADD COLUMN revoked DATETIME NULL DEFAULT NULL;
ALTER TABLE identity_verification ADD COLUMN revoked_ip VARCHAR(39) NULL DEFAULT NULL;

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (14, datetime('now'), 'system', 'authelia RevokeResetPasswordJWT');

COMMIT;
