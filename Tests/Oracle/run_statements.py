#!/usr/bin/env python3
"""Runs chosen statements of a migration file on a database, as a person would by hand.

The test oracle for migsh's investigation: statements are cut with SQLite's own
sqlite3_complete (python's sqlite3.complete_statement), never with migsh's splitter, and
run one by one with foreign keys off (sqlite3's default), each in its own transaction.

    run_statements.py DB FILE [N,N,...|all|count|except-version]

Statements are numbered 1… within the body (BEGIN and COMMIT excluded). `count` prints
how many there are; `except-version` runs all but the Schema_Version insert; with no
list nothing runs.
"""
import re
import sqlite3
import sys


def code_of(statement):
    text = re.sub(r"--[^\n]*", "", statement)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S).strip()


def body(path):
    statements, current = [], ""
    for line in open(path, encoding="utf-8").read().splitlines(True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current)
            current = ""
    out = []
    for s in statements:
        code = code_of(s)
        if not code.strip(";").strip():
            continue
        word = re.match(r"[A-Za-z]+", code)
        if word and word.group(0).upper() in ("BEGIN", "COMMIT", "END"):
            continue
        out.append(s)
    return out


def is_version_insert(statement):
    return re.search(r"INSERT\s+(OR\s+\w+\s+)?INTO\s+(main\.)?\"?Schema_Version\"?", code_of(statement), re.I) is not None


def main():
    db, path = sys.argv[1], sys.argv[2]
    spec = sys.argv[3] if len(sys.argv) > 3 else ""
    statements = body(path)
    if spec == "count":
        print(len(statements))
        return
    if spec == "all":
        chosen = statements
    elif spec == "except-version":
        chosen = [s for s in statements if not is_version_insert(s)]
    elif spec == "version-only":
        chosen = [s for s in statements if is_version_insert(s)]
    else:
        chosen = [statements[int(n) - 1] for n in spec.split(",") if n]
    con = sqlite3.connect(db, isolation_level=None)
    for s in chosen:
        con.execute(s)
    con.close()


if __name__ == "__main__":
    main()
