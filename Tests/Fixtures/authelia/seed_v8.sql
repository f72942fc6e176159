-- authelia fixture: rows for oauth2_par_context, created by 008 (load after 008, inside a
-- transaction).
INSERT INTO oauth2_par_context (id, signature, request_id, client_id, requested_at, scopes, audience, handled_response_types, response_mode, response_mode_default, revoked, form_data, session_data) VALUES
 (1, 'par-sig-1', 'par-req-1', 'grafana', '2025-05-01 09:59:00', 'openid', '', 'code', 'query', 'query', 0, 'p=1', X'a1'),
 (2, 'par-sig-2', 'par-req-2', 'grafana', '2025-05-02 10:59:00', 'openid profile', '', 'code', 'form_post', 'query', 0, 'p=2', X'a2'),
 (3, 'par-sig-3', 'par-req-3', 'nextcloud', '2025-05-03 11:59:00', 'openid', 'nc', 'code', 'query', 'query', 1, 'p=3', X'a3');
