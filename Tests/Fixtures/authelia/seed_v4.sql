-- authelia fixture: rows for the OpenID Connect tables of version 4 (load after 004, inside a
-- transaction). Identifier 3 (empty username) and 5 (service 'other') are what 005 deletes,
-- with consent 3; no session refers to them.
INSERT INTO user_opaque_identifier (id, service, sector_id, username, identifier) VALUES
 (1, 'openid', '', 'john', '11111111-1111-4111-8111-111111111111'),
 (2, 'openid', '', 'bob', '22222222-2222-4222-8222-222222222222'),
 (3, 'openid', '', '', '33333333-3333-4333-8333-333333333333'),
 (4, 'openid', 'app.example.com', 'alice', '44444444-4444-4444-8444-444444444444'),
 (5, 'other', '', 'harry', '55555555-5555-4555-8555-555555555555');
INSERT INTO oauth2_blacklisted_jti (id, signature, expires_at) VALUES
 (1, 'sig-jti-1', '2025-04-01 00:00:00'), (2, 'sig-jti-2', '2025-04-02 00:00:00'), (3, 'sig-jti-3', '2025-04-03 00:00:00');
INSERT INTO oauth2_consent_session (id, challenge_id, client_id, subject, authorized, granted, requested_at, responded_at, expires_at, form_data, requested_scopes, granted_scopes, requested_audience, granted_audience) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'grafana', '11111111-1111-4111-8111-111111111111', 1, 1, '2025-03-10 10:00:00', '2025-03-10 10:00:05', '2025-06-10 10:00:05', 'a=1', 'openid profile', 'openid profile', '', ''),
 (2, 'c0000002-0000-4000-8000-000000000002', 'grafana', '22222222-2222-4222-8222-222222222222', 1, 1, '2025-03-11 11:00:00', '2025-03-11 11:00:07', '2025-06-11 11:00:07', 'a=2', 'openid', 'openid', '', ''),
 (3, 'c0000003-0000-4000-8000-000000000003', 'nextcloud', '33333333-3333-4333-8333-333333333333', 0, 0, '2025-03-12 12:00:00', NULL, NULL, 'a=3', 'openid', '', '', ''),
 (4, 'c0000004-0000-4000-8000-000000000004', 'nextcloud', '44444444-4444-4444-8444-444444444444', 1, 1, '2025-03-13 13:00:00', '2025-03-13 13:00:09', '2025-09-13 13:00:09', 'a=4', 'openid email', 'openid email', 'nc', 'nc');
INSERT INTO oauth2_authorization_code_session (id, challenge_id, request_id, client_id, signature, subject, requested_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'req-authorization_code-1', 'grafana', 'sig-authorization_code-1', '11111111-1111-4111-8111-111111111111', '2025-03-10 10:00:06', 'openid profile', 'openid profile', '', '', 1, 0, 'f=1', X'01'),
 (2, 'c0000002-0000-4000-8000-000000000002', 'req-authorization_code-2', 'grafana', 'sig-authorization_code-2', '22222222-2222-4222-8222-222222222222', '2025-03-11 11:00:08', 'openid', 'openid', '', '', 0, 1, 'f=2', X'02'),
 (3, 'c0000004-0000-4000-8000-000000000004', 'req-authorization_code-3', 'nextcloud', 'sig-authorization_code-3', '44444444-4444-4444-8444-444444444444', '2025-03-13 13:00:10', 'openid email', 'openid email', 'nc', 'nc', 1, 0, 'f=3', X'03');
INSERT INTO oauth2_access_token_session (id, challenge_id, request_id, client_id, signature, subject, requested_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'req-access_token-1', 'grafana', 'sig-access_token-1', '11111111-1111-4111-8111-111111111111', '2025-03-10 10:00:06', 'openid profile', 'openid profile', '', '', 1, 0, 'f=1', X'01'),
 (2, 'c0000002-0000-4000-8000-000000000002', 'req-access_token-2', 'grafana', 'sig-access_token-2', '22222222-2222-4222-8222-222222222222', '2025-03-11 11:00:08', 'openid', 'openid', '', '', 0, 1, 'f=2', X'02'),
 (3, 'c0000004-0000-4000-8000-000000000004', 'req-access_token-3', 'nextcloud', 'sig-access_token-3', '44444444-4444-4444-8444-444444444444', '2025-03-13 13:00:10', 'openid email', 'openid email', 'nc', 'nc', 1, 0, 'f=3', X'03');
INSERT INTO oauth2_refresh_token_session (id, challenge_id, request_id, client_id, signature, subject, requested_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'req-refresh_token-1', 'grafana', 'sig-refresh_token-1', '11111111-1111-4111-8111-111111111111', '2025-03-10 10:00:06', 'openid profile', 'openid profile', '', '', 1, 0, 'f=1', X'01'),
 (2, 'c0000002-0000-4000-8000-000000000002', 'req-refresh_token-2', 'grafana', 'sig-refresh_token-2', '22222222-2222-4222-8222-222222222222', '2025-03-11 11:00:08', 'openid', 'openid', '', '', 0, 1, 'f=2', X'02'),
 (3, 'c0000004-0000-4000-8000-000000000004', 'req-refresh_token-3', 'nextcloud', 'sig-refresh_token-3', '44444444-4444-4444-8444-444444444444', '2025-03-13 13:00:10', 'openid email', 'openid email', 'nc', 'nc', 1, 0, 'f=3', X'03');
INSERT INTO oauth2_pkce_request_session (id, challenge_id, request_id, client_id, signature, subject, requested_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'req-pkce_request-1', 'grafana', 'sig-pkce_request-1', '11111111-1111-4111-8111-111111111111', '2025-03-10 10:00:06', 'openid profile', 'openid profile', '', '', 1, 0, 'f=1', X'01'),
 (2, 'c0000002-0000-4000-8000-000000000002', 'req-pkce_request-2', 'grafana', 'sig-pkce_request-2', '22222222-2222-4222-8222-222222222222', '2025-03-11 11:00:08', 'openid', 'openid', '', '', 0, 1, 'f=2', X'02'),
 (3, 'c0000004-0000-4000-8000-000000000004', 'req-pkce_request-3', 'nextcloud', 'sig-pkce_request-3', '44444444-4444-4444-8444-444444444444', '2025-03-13 13:00:10', 'openid email', 'openid email', 'nc', 'nc', 1, 0, 'f=3', X'03');
INSERT INTO oauth2_openid_connect_session (id, challenge_id, request_id, client_id, signature, subject, requested_at, requested_scopes, granted_scopes, requested_audience, granted_audience, active, revoked, form_data, session_data) VALUES
 (1, 'c0000001-0000-4000-8000-000000000001', 'req-openid_connect-1', 'grafana', 'sig-openid_connect-1', '11111111-1111-4111-8111-111111111111', '2025-03-10 10:00:06', 'openid profile', 'openid profile', '', '', 1, 0, 'f=1', X'01'),
 (2, 'c0000002-0000-4000-8000-000000000002', 'req-openid_connect-2', 'grafana', 'sig-openid_connect-2', '22222222-2222-4222-8222-222222222222', '2025-03-11 11:00:08', 'openid', 'openid', '', '', 0, 1, 'f=2', X'02'),
 (3, 'c0000004-0000-4000-8000-000000000004', 'req-openid_connect-3', 'nextcloud', 'sig-openid_connect-3', '44444444-4444-4444-8444-444444444444', '2025-03-13 13:00:10', 'openid email', 'openid email', 'nc', 'nc', 1, 0, 'f=3', X'03');
