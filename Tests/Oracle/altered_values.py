#!/usr/bin/env python3
"""The values of TABLE.COLUMN that differ between BEFORE and AFTER (two SQLite files), row by
row by rowid, under the rule of `.test`: a value is kept when its type and value are identical,
or when an integer and a real are numerically identical (1.0 -> 1); anything else is altered.
Prints JSON: {"count": N, "rowids": [...]} (rowids ascending). Used by TypeConversionTests."""
import json
import sqlite3
import sys

before, after, table, column = sys.argv[1:5]


def read(path):
    db = sqlite3.connect(path)
    q = '"' + table.replace('"', '""') + '"'
    c = '"' + column.replace('"', '""') + '"'
    return {rowid: value for rowid, value in db.execute(f"select rowid, {c} from {q}")}


def kept(a, b):
    if type(a) is type(b):
        return a == b
    numbers = (int, float)
    return isinstance(a, numbers) and isinstance(b, numbers) and a == b


old, new = read(before), read(after)
altered = sorted(r for r in old if r in new and not kept(old[r], new[r]))
print(json.dumps({"count": len(altered), "rowids": altered}))
