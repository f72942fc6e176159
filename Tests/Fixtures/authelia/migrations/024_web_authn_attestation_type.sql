-- Description: authelia V0024.WebAuthnAttestationType.up.sql (SQLite)
-- Version: 24
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0024.WebAuthnAttestationType.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 23`

BEGIN TRANSACTION;
ALTER TABLE webauthn_credentials RENAME COLUMN attestation_type TO attestation_format;
ALTER TABLE webauthn_credentials ADD COLUMN attestation_type VARCHAR(32) NOT NULL DEFAULT '';

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (24, datetime('now'), 'system', 'authelia WebAuthnAttestationType');

COMMIT;
