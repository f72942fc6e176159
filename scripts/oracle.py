"""oracle.py: the independent side of scripts/advice.

Python's sqlite3 module, not migsh, splits migration files into statements, runs
statements by hand (as an admin at a sqlite3 prompt would), makes drift, and reads
rows for comparison.  Nothing here asks migsh anything.
"""
import glob
from contextlib import closing
import os
import re
import sqlite3
from dataclasses import dataclass, field

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
VERSION_INSERT = re.compile(r'^INSERT\s+INTO\s+["`\[]?Schema_Version["`\]]?[\s(]', re.I)
RUN_TIME = "<run time>"


# ---------------------------------------------------------------------------
# Splitting migration files
# ---------------------------------------------------------------------------

@dataclass
class Statement:
    line: int          # first line of the statement's own text (after leading comments)
    text: str          # the statement as written, leading comments included

    @property
    def code(self):
        return strip_comments(self.text).strip()

    @property
    def keyword(self):
        m = re.match(r"[A-Za-z]+", self.code)
        return m.group(0).upper() if m else ""

    @property
    def empty(self):
        return self.code.rstrip(";").strip() == ""

    @property
    def is_version_insert(self):
        return bool(VERSION_INSERT.match(self.code))

    def short(self, width=60):
        s = " ".join(self.code.split())
        return s if len(s) <= width else s[: width - 1] + "…"


def strip_comments(sql):
    """sql without -- and /* */ comments (string literals and quoted names respected)."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_statements(text):
    """Statements of an SQL text, accumulated line by line until sqlite3.complete_statement
    says the text so far is complete.  A trailing incomplete piece that holds only comments is
    dropped; one that holds code is returned as a last (incomplete) statement."""
    out, buf, first = [], [], None
    for no, line in enumerate(text.splitlines(keepends=True), 1):
        if not buf and not line.strip():
            continue
        buf.append(line)
        if first is None and strip_comments(line).strip():
            first = no
        chunk = "".join(buf)
        if sqlite3.complete_statement(chunk):
            out.append(Statement(first or no, chunk.strip()))
            buf, first = [], None
    rest = "".join(buf)
    if strip_comments(rest).strip():
        out.append(Statement(first, rest.strip()))
    return out


@dataclass
class Migration:
    version: int
    path: str
    statements: list
    body: list = field(default_factory=list)     # between BEGIN and COMMIT, empty ones skipped

    @property
    def name(self):
        return os.path.basename(self.path)

    @property
    def version_inserts(self):
        return [s for s in self.body if s.is_version_insert]


def load_migrations(folder):
    migs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.sql"))):
        m = re.match(r"(\d+)_", os.path.basename(path))
        if not m:
            continue
        with open(path, encoding="utf-8") as f:
            stmts = split_statements(f.read())
        mig = Migration(int(m.group(1)), path, stmts)
        begin = next((i for i, s in enumerate(stmts) if s.keyword == "BEGIN"), None)
        commit = next((i for i in range(len(stmts) - 1, -1, -1) if stmts[i].keyword in ("COMMIT", "END")), None)
        if begin is None or commit is None or commit < begin:
            raise ValueError(f"{path}: no BEGIN … COMMIT around the statements")
        mig.body = [s for s in stmts[begin + 1:commit] if not s.empty]
        migs.append(mig)
    migs.sort(key=lambda m: m.version)
    if [m.version for m in migs] != list(range(1, len(migs) + 1)):
        raise ValueError(f"{folder}: versions are not 1..N")
    return migs


# ---------------------------------------------------------------------------
# Running statements by hand
# ---------------------------------------------------------------------------

def connect(db):
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")
    return con


def run_by_hand(db, statements):
    """Each statement on its own, autocommit, foreign keys off.  Raises on the first error
    with the statement that failed."""
    con = connect(db)
    try:
        for s in statements:
            text = s.text if isinstance(s, Statement) else s
            try:
                con.execute(text)
            except sqlite3.Error as e:
                label = s.short() if isinstance(s, Statement) else " ".join(text.split())[:60]
                raise RuntimeError(f"by hand: {label}: {e}") from None
    finally:
        con.close()


def make_empty(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 0")
    con.commit()
    con.close()


def q(name):
    return '"' + name.replace('"', '""') + '"'


def objects(db, kind):
    con = connect(db)
    try:
        return con.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = ? "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY name", (kind,)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------
# The application keeps living: its writes after a hand run
# ---------------------------------------------------------------------------

def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bytes):
        return "X'" + v.hex() + "'"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


REBUILT = re.compile(r"^\s*(?:ALTER\s+TABLE\s+[\"`\[]?(\w+)[\"`\]]?\s+RENAME\s+TO\b|DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?[\"`\[]?(\w+))", re.I)


def living_writes(db, base, migration_sql, ran=()):
    """What the application writes between a half-run migration and the investigation: in
    every table of the version before the migration that the migration names, a new row (a
    copy of the last one under a new key), an edited text value, and a deleted row, each
    written with the columns and values of that version, so the same SQL applies to the clean
    start. Only writes whose outcome does not depend on when they happened are made, since the
    clean reference makes them before the migration: the edited column is one the migration
    never names, and no table whose triggers the hand run has removed is written (the
    application's write would not fire them in the state, and nothing can make up for that
    afterwards). A write the state or the clean start refuses (its table is gone or changed,
    a constraint, a foreign key it would break), or that changes a different number of rows in
    the state than at the clean start (its table was renamed away and created anew by the hand
    run: the edit would land nowhere), is not made, nor any write to a table one of the statements
    run by hand (`ran`) renamed away or dropped (a rebuild: a table under that name is another
    one than at the clean start, and the copy may renumber its rows). Returns the writes made."""
    gone = set()
    for stmt in ran:
        m = REBUILT.match(strip_comments(stmt.text if isinstance(stmt, Statement) else stmt))
        if m:
            gone.add((m.group(1) or m.group(2)).lower())
    bcon = sqlite3.connect(":memory:", isolation_level=None)
    with closing(sqlite3.connect(base)) as b:
        b.backup(bcon)
    con = connect(db)

    def named(word):
        return re.search(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", migration_sql, re.I)

    def triggers(c, t):
        return sorted(r[0].lower() for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE", (t,)))
    made = []
    try:
        for t in app_tables(bcon):
            if not named(t) or triggers(bcon, t) != triggers(con, t):
                continue
            if t.lower() in gone:
                # the hand run renamed it away or dropped it (a rebuild, authelia's _bkp_…): a
                # table under its name now is another one than at the clean start, and the
                # migration's copy may renumber what was written there
                continue
            cols = bcon.execute(f"PRAGMA table_info({q(t)})").fetchall()  # cid, name, type, notnull, dflt, pk
            pk = [c for c in cols if c[5] > 0]
            if len(pk) != 1 or "INT" not in (pk[0][2] or "").upper():
                continue
            key = pk[0][1]
            keys = [r[0] for r in bcon.execute(f"SELECT {q(key)} FROM {q(t)} ORDER BY {q(key)}")]
            if len(keys) < 3:
                continue
            names = [c[1] for c in cols]
            last = list(bcon.execute(f"SELECT * FROM {q(t)} WHERE {q(key)} = ?", (keys[-1],)).fetchone())
            last[names.index(key)] = keys[-1] + 1000
            writes = [f"INSERT INTO {q(t)} ({', '.join(q(n) for n in names)}) VALUES ({', '.join(sql_literal(v) for v in last)})"]
            text = [c for c in cols if not c[5] and not c[3] and not named(c[1])
                    and any(w in (c[2] or "").upper() for w in ("CHAR", "TEXT", "CLOB"))]
            if text:
                writes.append(f"UPDATE {q(t)} SET {q(text[-1][1])} = 'edited while the migration was half done' WHERE {q(key)} = {keys[0]}")
            writes.append(f"DELETE FROM {q(t)} WHERE {q(key)} = {keys[len(keys) // 2]}")
            for sql in writes:
                both = (con, bcon)
                broken = [len(c.execute("PRAGMA foreign_key_check").fetchall()) for c in both]
                for c in both:
                    c.execute("SAVEPOINT w")
                try:
                    changed = []
                    for c, n in zip(both, broken):
                        before = c.total_changes
                        c.execute(sql)
                        changed.append(c.total_changes - before)
                        if len(c.execute("PRAGMA foreign_key_check").fetchall()) > n:
                            raise sqlite3.Error("breaks a foreign key")
                    if changed[0] != changed[1]:
                        # e.g. an edit of a table the hand run renamed away and created anew,
                        # empty: it lands nowhere in the state, on a row at the clean start
                        raise sqlite3.Error("changes other rows in the state than at the clean start")
                except sqlite3.Error:
                    for c in both:
                        c.execute("ROLLBACK TO w")
                        c.execute("RELEASE w")
                    continue
                for c in both:
                    c.execute("RELEASE w")
                made.append(sql)
    finally:
        bcon.close()
        con.close()
    return made


# ---------------------------------------------------------------------------
# Drift, made by hand
# ---------------------------------------------------------------------------

def app_tables(con):
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'migsh\\_%' ESCAPE '\\' AND name != 'Schema_Version' ORDER BY name")]


def drift_plans(db, versions_n):
    """The drift states to make on a database at version N: a list of (label, function(db))."""
    con = connect(db)
    try:
        tables = app_tables(con)
        indexes = [r for r in con.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        views = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")]
        triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
        first_table = tables[0]
        first_col = con.execute(f"PRAGMA table_info({q(first_table)})").fetchall()[0][1]
        retype = pick_retype(con, tables)
    finally:
        con.close()

    plans = []
    if indexes:
        name = indexes[0][0]
        plans.append((f"drop index {name}", lambda d, n=name: run_by_hand(d, [f"DROP INDEX {q(n)}"])))
    plans.append((f"add index advice_extra_index on {first_table}({first_col})",
                  lambda d: run_by_hand(d, [f"CREATE INDEX advice_extra_index ON {q(first_table)}({q(first_col)})"])))
    if views:
        plans.append((f"drop view {views[0]}", lambda d, n=views[0]: run_by_hand(d, [f"DROP VIEW {q(n)}"])))
    plans.append(("add view advice_extra_view",
                  lambda d: run_by_hand(d, ["CREATE VIEW advice_extra_view AS SELECT 1 AS x"])))
    if triggers:
        plans.append((f"drop trigger {triggers[0]}", lambda d, n=triggers[0]: run_by_hand(d, [f"DROP TRIGGER {q(n)}"])))
    plans.append((f"add trigger advice_extra_trigger on {first_table}",
                  lambda d: run_by_hand(d, [
                      f"CREATE TRIGGER advice_extra_trigger AFTER INSERT ON {q(first_table)} BEGIN "
                      f"UPDATE {q(first_table)} SET {q(first_col)} = {q(first_col)} WHERE 0; END"])))
    if retype:
        t, col, old, new = retype
        plans.append((f"column type {t}.{col} {old} -> {new}",
                      lambda d, r=retype: change_column_type(d, *r)))
    plans.append(("drop table Schema_Version", lambda d: run_by_hand(d, ["DROP TABLE Schema_Version"])))
    plans.append((f"version gap (row {versions_n - 1} deleted)",
                  lambda d: run_by_hand(d, [f"DELETE FROM Schema_Version WHERE version = {versions_n - 1}"])))
    plans.append(("text versions (+ 'v2-hotfix')", text_versions))
    return plans


# Declared type -> another declared type of the same affinity, so every stored value stays.
SAME_AFFINITY = {"TEXT": "VARCHAR(255)", "INTEGER": "BIGINT", "REAL": "DOUBLE",
                 "DATE": "DATETIME", "TIMESTAMP": "DATETIME", "BOOLEAN": "BOOL"}


def pick_retype(con, tables):
    """(table, column, old type, new type) for a column type change on a table that no foreign
    key points to; the new type keeps the affinity, so every stored value stays as it is.
    TEXT columns first, then the other types of SAME_AFFINITY."""
    referenced = set()
    for t in tables:
        for fk in con.execute(f"PRAGMA foreign_key_list({q(t)})"):
            referenced.add(fk[2].lower())
    for wanted in SAME_AFFINITY:
        for t in tables:
            if t.lower() in referenced:
                continue
            sql = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (t,)).fetchone()[0]
            for cid, col, ctype, notnull, dflt, pk in con.execute(f"PRAGMA table_info({q(t)})"):
                if pk or ctype.upper() != wanted:
                    continue
                if len(re.findall(r"\b" + re.escape(col) + r"\s+" + re.escape(ctype) + r"\b", sql, re.I)) == 1:
                    return (t, col, ctype, SAME_AFFINITY[wanted])
    return None


def change_column_type(db, table, col, old, new):
    """The 12-step rebuild (https://www.sqlite.org/lang_altertable.html#otheralter), foreign keys
    off, in one transaction: new table with the type changed, copy, keep the AUTOINCREMENT mark,
    drop the views and other tables' triggers that name the table (the rename would fail on
    them), drop, rename, and recreate the table's indexes and triggers and those views and
    triggers."""
    con = connect(db)
    try:
        sql = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
        own = [r[0] for r in con.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name", (table,))]
        word = re.compile(r"\b" + re.escape(table) + r"\b", re.I)
        users = [(kind, name, s) for kind, name, owner, s in con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
            "AND tbl_name != ? ORDER BY type DESC, name", (table,)) if word.search(s or "")]
        tmp = table + "_advice_new"
        new_sql = re.sub(r"\b" + re.escape(col) + r"\s+" + re.escape(old) + r"\b", f"{col} {new}", sql,
                         count=1, flags=re.I)
        head = re.match(r"\s*CREATE\s+TABLE\s+(\"[^\"]+\"|\S+?)(\s*\()", new_sql, re.I)
        new_sql = f"CREATE TABLE {q(tmp)}" + new_sql[head.start(2):]
        cols = ", ".join(q(r[1]) for r in con.execute(f"PRAGMA table_info({q(table)})"))
        con.execute("BEGIN")
        con.execute(new_sql)
        con.execute(f"INSERT INTO {q(tmp)} ({cols}) SELECT {cols} FROM {q(table)}")
        has_seq = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
        seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone() if has_seq else None
        for kind, name, _ in users:
            con.execute(f"DROP {kind.upper()} {q(name)}")
        con.execute(f"DROP TABLE {q(table)}")
        con.execute(f"ALTER TABLE {q(tmp)} RENAME TO {q(table)}")
        if seq is not None:
            con.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            con.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq[0]))
        for s in own + [u[2] for u in sorted(users, key=lambda u: u[0] != "view")]:
            con.execute(s)
        con.execute("COMMIT")
    finally:
        con.close()


def text_versions(db):
    """Schema_Version rebuilt with version TEXT (rows kept, as text), plus a row 'v2-hotfix'."""
    run_by_hand(db, [
        "BEGIN",
        "CREATE TABLE Schema_Version_advice_new (version TEXT PRIMARY KEY, "
        "applied_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, applied_by TEXT, description TEXT)",
        "INSERT INTO Schema_Version_advice_new (version, applied_date, applied_by, description) "
        "SELECT CAST(version AS TEXT), applied_date, applied_by, description FROM Schema_Version",
        "DROP TABLE Schema_Version",
        "ALTER TABLE Schema_Version_advice_new RENAME TO Schema_Version",
        "INSERT INTO Schema_Version (version, applied_date, applied_by, description) "
        "VALUES ('v2-hotfix', datetime('now'), 'admin', 'hand-made hotfix')",
        "COMMIT",
    ])


# ---------------------------------------------------------------------------
# Reading and comparing rows
# ---------------------------------------------------------------------------

def _key(v):
    if v is None:
        return (0, 0)
    if isinstance(v, (int, float)):
        return (1, v)
    if isinstance(v, str):
        return (2, v)
    return (3, bytes(v))


def read_rows(db, run_start):
    """{table: (column names, sorted row tuples)} for every table but sqlite_* and migsh's
    own (migsh_applied_migrations, migsh_database); Schema_Version.applied_date left out, Database_Snapshots'
    MIGRATION_BACKUP rows left out, timestamps written during this run made '<run time>'."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'migsh\\_%' ESCAPE '\\' ORDER BY name")]
        out = {}
        for t in tables:
            cur = con.execute(f"SELECT * FROM {q(t)}")
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            drop = {i for i, c in enumerate(cols) if t.lower() == "schema_version" and c.lower() == "applied_date"}
            if t.lower() == "database_snapshots" and "snapshot_type" in cols:
                i = cols.index("snapshot_type")
                rows = [r for r in rows if r[i] != "MIGRATION_BACKUP"]
            norm = []
            for r in rows:
                norm.append(tuple(normalize(v, run_start) for i, v in enumerate(r) if i not in drop))
            norm.sort(key=lambda r: tuple(_key(v) for v in r))
            out[t] = ([c for i, c in enumerate(cols) if i not in drop], norm)
        return out
    finally:
        con.close()


def normalize(v, run_start):
    if isinstance(v, str) and TIMESTAMP.match(v) and v[:16].replace("T", " ") >= run_start:
        return RUN_TIME
    return v


def compare(ref, got, limit=3):
    """[] when equal, else short lines describing the first differences."""
    out = []
    missing = sorted(set(ref) - set(got))
    extra = sorted(set(got) - set(ref))
    if missing:
        out.append(f"tables missing: {', '.join(missing)}")
    if extra:
        out.append(f"tables not in the clean run: {', '.join(extra)}")
    for t in sorted(set(ref) & set(got)):
        rc, rr = ref[t]
        gc, gr = got[t]
        if rc != gc:
            out.append(f"{t}: columns {gc} (clean run: {rc})")
            continue
        if rr == gr:
            continue
        rs, gs = set(rr), set(gr)
        only_ref = [r for r in rr if r not in gs]
        only_got = [r for r in gr if r not in rs]
        line = f"{t}: {len(gr)} rows (clean run: {len(rr)})"
        if only_ref:
            line += f"; missing {len(only_ref)}, e.g. {clip(only_ref[0])}"
        if only_got:
            line += f"; extra {len(only_got)}, e.g. {clip(only_got[0])}"
        if not only_ref and not only_got:
            line += "; same rows, different multiplicities"
        out.append(line)
        if len(out) >= limit + 2:
            out.append("…")
            break
    return out


def clip(row, width=140):
    s = repr(row)
    return s if len(s) <= width else s[: width - 1] + "…"
