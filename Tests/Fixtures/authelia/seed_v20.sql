-- authelia fixture: rows for the tables created from 012 to 020 (load after 020, inside a
-- transaction). webauthn_credentials already holds the devices 012 copied.
INSERT INTO webauthn_users (id, rpid, username, userid) VALUES
 (1, 'example.com', 'john', 'u-john'), (2, 'example.com', 'bob', 'u-bob'), (3, 'example.com', 'alice', 'u-alice');
INSERT INTO webauthn_credentials (id, created_at, last_used_at, rpid, username, description, kid, aaguid, attestation_type, attachment, transport, sign_count, clone_warning, legacy, discoverable, present, verified, backup_eligible, backup_state, public_key, attestation) VALUES
 (10, '2025-07-01 08:00:00', NULL, 'example.com', 'alice', 'Passkey', 'kid-alice-1', '00000000-0000-0000-0000-000000000000', 'none', 'platform', 'internal', 3, 0, 0, 1, 1, 1, 1, 1, X'04dd04', NULL),
 (11, '2025-07-02 08:00:00', '2025-07-03 08:00:00', 'example.com', 'harry', 'Yubikey', 'kid-harry-1', '00000000-0000-0000-0000-000000000000', 'packed', 'cross-platform', 'usb', 9, 0, 0, 0, 1, 1, 0, 0, X'04ee05', X'beef');
INSERT INTO one_time_code (id, public_id, signature, issued, issued_ip, expires, username, intent, consumed, consumed_ip, revoked, revoked_ip, code) VALUES
 (1, 'e1000001-0000-4000-8000-000000000001', 'otc-sig-1', '2025-07-01 09:00:00', '192.0.2.10', '2025-07-01 09:15:00', 'john', 'elevation', '2025-07-01 09:01:00', '192.0.2.10', NULL, NULL, X'c1'),
 (2, 'e1000002-0000-4000-8000-000000000002', 'otc-sig-2', '2025-07-02 09:00:00', '203.0.113.4', '2025-07-02 09:15:00', 'bob', 'elevation', NULL, NULL, NULL, NULL, X'c2'),
 (3, 'e1000003-0000-4000-8000-000000000003', 'otc-sig-3', '2025-07-03 09:00:00', '192.0.2.44', '2025-07-03 09:15:00', 'alice', 'elevation', NULL, NULL, '2025-07-03 09:05:00', '192.0.2.44', X'c3');
INSERT INTO totp_history (id, created_at, username, step) VALUES
 (1, '2025-07-01 09:00:00', 'john', '58000001'), (2, '2025-07-01 09:00:30', 'john', '58000002'), (3, '2025-07-02 10:00:00', 'bob', '58000103');
INSERT INTO oauth2_device_code_session (id, challenge_id, request_id, client_id, signature, user_code_signature, status, subject, requested_at, checked_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, NULL, 'dc-req-1', 'tv', 'dc-sig-1', 'uc-sig-1', 0, NULL, '2025-07-01 10:00:00', '2025-07-01 10:00:00', 'openid', '', '', '', 1, 0, 'h=1', X'd1'),
 (2, 'd0000001-0000-4000-8000-000000000001', 'dc-req-2', 'tv', 'dc-sig-2', 'uc-sig-2', 1, '11111111-1111-4111-8111-111111111111', '2025-07-02 10:00:00', '2025-07-02 10:00:30', 'openid', 'openid', '', '', 1, 0, 'h=2', X'd2'),
 (3, NULL, 'dc-req-3', 'tv', 'dc-sig-3', 'uc-sig-3', 2, NULL, '2025-07-03 10:00:00', '2025-07-03 10:01:00', 'openid', '', '', '', 0, 1, 'h=3', X'd3');
INSERT INTO cached_data (id, created_at, updated_at, name, encrypted, value) VALUES
 (1, '2025-07-01 00:00:00', '2025-07-01 00:00:00', 'jwks', 0, X'7b7d'), (2, '2025-07-01 00:00:00', '2025-07-02 00:00:00', 'session', 1, X'00ff'), (3, '2025-07-01 00:00:00', '2025-07-03 00:00:00', 'mds3', 0, X'6d');
INSERT INTO banned_user (id, time, expires, expired, revoked, username, source, reason) VALUES
 (1, '2025-07-01 11:00:00', '2025-07-01 11:05:00', '2025-07-01 11:05:00', 0, 'harry', 'regulation', 'too many failures'),
 (2, '2025-07-02 11:00:00', NULL, NULL, 0, 'mallory', 'admin', 'compromised'),
 (3, '2025-07-03 11:00:00', '2025-07-03 11:05:00', NULL, 1, 'bob', 'regulation', NULL);
INSERT INTO banned_ip (id, time, expires, expired, revoked, ip, source, reason) VALUES
 (1, '2025-07-01 11:00:00', '2025-07-01 11:05:00', '2025-07-01 11:05:00', 0, '198.51.100.7', 'regulation', 'too many failures'),
 (2, '2025-07-02 11:00:00', NULL, NULL, 0, '203.0.113.66', 'admin', 'scanner'),
 (3, '2025-07-03 11:00:00', '2025-07-03 11:05:00', NULL, 1, '192.0.2.99', 'regulation', NULL);
