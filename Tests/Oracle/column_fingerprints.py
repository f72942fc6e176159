#!/usr/bin/env python3
"""Every column's values, read with python's sqlite3 module (not migsh's code): one JSON object,
"Table.column" -> {"rows": N, "values": {repr of (type, value): how many times}} (NULLs aside),
for every table but SQLite's, migsh's and Schema_Version. Order-free: a rebuild may copy rows in
another order."""
import collections
import json
import sqlite3
import sys

db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
db.text_factory = bytes
tables = [r[0].decode() for r in db.execute(
    "select name from sqlite_schema where type = 'table' and name not like 'sqlite\\_%' escape '\\' "
    "and name not like 'migsh\\_%' escape '\\' and lower(name) <> 'schema_version' order by name")]
out = {}
for table in tables:
    columns = [r[1].decode() for r in db.execute("select * from pragma_table_xinfo(?)", (table,)) if r[6] != 1]
    for column in columns:
        values = [v for (v,) in db.execute('select "%s" from "%s"' % (column.replace('"', '""'), table.replace('"', '""')))]
        present = collections.Counter(repr((type(v).__name__, v)) for v in values if v is not None)
        out["%s.%s" % (table, column)] = {"rows": len(values), "values": present}
print(json.dumps(out, sort_keys=True))
