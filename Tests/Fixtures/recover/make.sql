PRAGMA page_size=512;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, qty INT, note);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n<60)
INSERT INTO items SELECT n, printf('item-%03d-%s', n, substr('abcdefghijklmnopqrstuvwxyz', 1, n % 26)), n*3, CASE WHEN n%20=0 THEN 'line1'||char(10)||'line2' END FROM c;
CREATE TABLE tags(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n<30) INSERT INTO tags SELECT printf('tag-%04d-%s', n, hex(n*n)), n FROM c;
CREATE TABLE log(at, what);
INSERT INTO log VALUES(1.5, x'00ff'), (NULL, 'it''s');
CREATE INDEX items_qty ON items(qty);
CREATE VIEW busy AS SELECT * FROM items WHERE qty > 100;
