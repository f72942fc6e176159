-- authelia fixture: rows for the tables of version 1 (load after 001, inside a transaction).
INSERT INTO authentication_logs (id, time, successful, banned, username, auth_type, remote_ip, request_uri, request_method) VALUES
 (1, '2025-03-01 08:00:00', 1, 0, 'john', '1FA', '192.0.2.10', 'https://app.example.com/', 'GET'),
 (2, '2025-03-01 08:00:09', 1, 0, 'john', 'TOTP', '192.0.2.10', 'https://app.example.com/', 'GET'),
 (3, '2025-03-02 09:12:00', 0, 0, 'harry', '1FA', '198.51.100.7', 'https://app.example.com/login', 'POST'),
 (4, '2025-03-02 09:12:30', 0, 1, 'harry', '1FA', '198.51.100.7', 'https://app.example.com/login', 'POST'),
 (5, '2025-03-03 17:45:00', 1, 0, 'bob', '1FA', '203.0.113.4', NULL, '');
INSERT INTO identity_verification (id, jti, iat, issued_ip, exp, username, action, consumed, consumed_ip) VALUES
 (1, '6f1f0e4c-0b8e-4a55-9d5a-1b2d3c4e5f60', '2025-03-01 08:01:00', '192.0.2.10', '2025-03-01 08:06:00', 'john', 'RegisterTOTPDevice', '2025-03-01 08:02:00', '192.0.2.10'),
 (2, '7a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d', '2025-03-02 10:00:00', '198.51.100.7', '2025-03-02 10:05:00', 'harry', 'ResetPassword', NULL, NULL),
 (3, '8b3c4d5e-6f7a-4b2c-9d0e-1f2a3b4c5d6e', '2025-03-03 18:00:00', '203.0.113.4', '2025-03-03 18:05:00', 'bob', 'RegisterU2FDevice', '2025-03-03 18:01:00', '203.0.113.4'),
 (4, '9c4d5e6f-7a8b-4c3d-8e1f-2a3b4c5d6e7f', '2025-03-04 07:30:00', '192.0.2.44', '2025-03-04 07:35:00', 'alice', 'ResetPassword', NULL, NULL);
INSERT INTO totp_configurations (id, username, issuer, algorithm, digits, period, secret) VALUES
 (1, 'john', 'example.com', 'SHA1', 6, 30, X'4a4f484e534543524554'),
 (2, 'harry', 'example.com', 'SHA1', 6, 30, X'4841525259534543'),
 (3, 'bob', 'example.com', 'SHA256', 8, 60, X'424f42534543524554'),
 (4, 'alice', NULL, 'SHA1', 6, 30, X'414c494345');
INSERT INTO u2f_devices (id, username, description, key_handle, public_key) VALUES
 (1, 'john', 'Primary', X'0102030405060708', X'04aa01'),
 (2, 'bob', 'Primary', X'1112131415161718', X'04bb02'),
 (3, 'bob', 'Backup key', X'2122232425262728', X'04cc03');
INSERT INTO duo_devices (id, username, device, method) VALUES
 (1, 'john', 'DP1234567890', 'push'),
 (2, 'harry', 'DP2345678901', 'sms'),
 (3, 'alice', 'DP3456789012', 'push');
INSERT INTO user_preferences (id, username, second_factor_method) VALUES
 (1, 'john', 'totp'),
 (2, 'harry', 'mobile_push'),
 (3, 'bob', 'u2f'),
 (4, 'alice', 'totp');
INSERT INTO migrations (id, applied, version_before, version_after, application_version) VALUES
 (1, '2025-02-28 12:00:00', NULL, 1, 'v4.30.0'),
 (2, '2025-03-05 12:00:00', 1, 1, 'v4.30.1'),
 (3, '2025-03-06 12:00:00', 1, 1, 'v4.30.2');
INSERT INTO encryption (id, name, value) VALUES
 (1, 'check', X'c0ffee01'),
 (2, 'legacy', X'c0ffee02'),
 (3, 'rotation', X'c0ffee03');
