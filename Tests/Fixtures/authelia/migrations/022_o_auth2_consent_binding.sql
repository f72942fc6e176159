-- Description: authelia V0022.OAuth2ConsentBinding.up.sql (SQLite)
-- Version: 22
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0022.OAuth2ConsentBinding.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 21`

BEGIN TRANSACTION;
ALTER TABLE oauth2_consent_session
    ADD COLUMN expires_at TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00.000000000+00:00';

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (22, datetime('now'), 'system', 'authelia OAuth2ConsentBinding');

COMMIT;
