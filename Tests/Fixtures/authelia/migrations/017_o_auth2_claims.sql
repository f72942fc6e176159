-- Description: authelia V0017.OAuth2Claims.up.sql (SQLite)
-- Version: 17
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0017.OAuth2Claims.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 16`

BEGIN TRANSACTION;
ALTER TABLE oauth2_consent_session
    ADD COLUMN granted_claims TEXT NULL;

ALTER TABLE oauth2_consent_preconfiguration ADD COLUMN requested_claims TEXT NULL;
ALTER TABLE oauth2_consent_preconfiguration ADD COLUMN signature_claims CHAR(64) NULL;
ALTER TABLE oauth2_consent_preconfiguration ADD COLUMN granted_claims TEXT DEFAULT '';

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (17, datetime('now'), 'system', 'authelia OAuth2Claims');

COMMIT;
