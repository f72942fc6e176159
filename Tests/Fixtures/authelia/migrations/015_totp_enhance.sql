-- Description: authelia V0015.TOTPEnhance.up.sql (SQLite)
-- Version: 15
-- Date: 2026-08-22
-- Author: Authelia contributors (Apache-2.0), converted for migsh
-- Source: github.com/authelia/authelia@23572030b404 internal/storage/migrations/sqlite/V0015.TOTPEnhance.up.sql
-- Rollback: restore the pre-migration backup with `.restore --version 14`

BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS totp_history (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    username VARCHAR(100) NOT NULL,
    step CHAR(64) NOT NULL
);

CREATE UNIQUE INDEX totp_history_lookup_key ON totp_history (username, step);

INSERT INTO Schema_Version (version, applied_date, applied_by, description)
VALUES (15, datetime('now'), 'system', 'authelia TOTPEnhance');

COMMIT;
