-- Description: authelia V0019.WebAuthnPasskeys.up.sql (SQLite)
-- Version: 19
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0019.WebAuthnPasskeys.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 18`

BEGIN TRANSACTION;
ALTER TABLE webauthn_credentials
    ADD COLUMN attestation BLOB NULL DEFAULT NULL;

CREATE TABLE IF NOT EXISTS cached_data (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL,
    name VARCHAR(20) NOT NULL,
    encrypted BOOLEAN NOT NULL DEFAULT FALSE,
    value BLOB NOT NULL
);

CREATE UNIQUE INDEX cached_data_name_key ON cached_data (name);

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (19, datetime('now'), 'system', 'authelia WebAuthnPasskeys');

COMMIT;
