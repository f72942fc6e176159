#!/usr/bin/env python3
"""The migsh.fleet collection, run for real: ansible-playbook against five hosts
(ansible_connection=local, groups canary and rest), each with its own folder of databases in
mixed states. Every database is checked afterwards with python's sqlite3 (not migsh); the
merged JSON, the HTML report as headless Chromium renders it, the waves' order, the module's
changed/failed results, a dry run, a refusal of mixed migsh versions, and a failing canary.

    rollout_test.py MIGSH ANSIBLE_PLAYBOOK CHROMIUM REPO WORKDIR
"""
import datetime
import hashlib
import html.parser
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

MIGSH, PLAYBOOK, CHROMIUM, REPO, WORK = sys.argv[1:6]
MIGRATIONS = os.path.join(REPO, "migrations")
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def version(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT max(version) FROM Schema_Version").fetchone()[0]
    finally:
        con.close()


def schema(path):
    """The user schema (sqlite_master's SQL), migsh's own tables aside."""
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'migsh_%' "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return rows
    finally:
        con.close()


def users(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT count(*) FROM Users").fetchone()[0]
    finally:
        con.close()


# Templates: the demo database at each version, made once by scripts/make-demo.
TEMPLATES = os.path.join(WORK, "templates")
os.makedirs(TEMPLATES, exist_ok=True)
for v in (1, 3, 5, 8):
    subprocess.run([os.path.join(REPO, "scripts", "make-demo"), MIGSH, "%s/v%d.sqlite" % (TEMPLATES, v), str(v)],
                   check=True, stderr=subprocess.DEVNULL)
V8_SCHEMA = schema(TEMPLATES + "/v8.sqlite")
CREATE_PRODUCTS_NEW = re.search(r"^CREATE TABLE Products_new.*?^\);", open(
    [os.path.join(MIGRATIONS, f) for f in sorted(os.listdir(MIGRATIONS)) if f.startswith("006_")][0]).read(),
    re.S | re.M).group(0)


def make_db(path, state):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    base = {"v1": 1, "v3": 3, "v5": 5, "v8": 8, "newer": 8, "partial": 5, "locked": 3}[state]
    shutil.copyfile("%s/v%d.sqlite" % (TEMPLATES, base), path)
    con = sqlite3.connect(path)
    if state == "newer":
        con.execute("INSERT INTO Schema_Version VALUES (9, '2026-11-30', 'newer app', 'From the future')")
    if state == "partial":  # 006 stopped after its first statement, by hand
        con.executescript(CREATE_PRODUCTS_NEW)
    con.commit()
    con.close()


def make_fleet(root, hosts):
    """hosts: {name: (group, {db: state})} -> {(host, db): (path, state, sha, users)}"""
    dbs = {}
    for host, (_, states) in hosts.items():
        for db, state in states.items():
            path = "%s/%s/db/%s.db" % (root, host, db)
            make_db(path, state)
            dbs[(host, db)] = (path, state, sha(path), users(path))
    return dbs


def inventory(root, hosts, extra=""):
    lines = []
    for group in ("canary", "rest"):
        lines.append("[%s]" % group)
        for host, (g, _) in hosts.items():
            if g == group:
                lines.append("%s migsh_root=%s/%s" % (host, root, host))
    lines += ["", "[all:vars]", "ansible_connection=local",
              "ansible_python_interpreter={{ ansible_playbook_python }}",
              "migsh_binary=" + MIGSH, extra]
    path = root + "/inventory.ini"
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def rollout(inv, report_dir, *extra):
    argv = [PLAYBOOK, "-i", inv, "migsh.fleet.rollout",
            "-e", "migrations=" + MIGRATIONS,
            "-e", "databases_glob={{ migsh_root }}/db/*.db",
            "-e", "report_dir=" + report_dir,
            "-e", "migsh_busy_timeout=300"] + list(extra)
    print("$ " + " ".join(argv[1:]), flush=True)
    r = subprocess.run(argv, capture_output=True, text=True)
    with open(report_dir + ".log", "w") as f:
        f.write(r.stdout + r.stderr)
    return r


def recap(output):
    """PLAY RECAP: host -> {ok, changed, failed, ...}"""
    out = {}
    for m in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", output.split("PLAY RECAP")[-1], re.M):
        out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    return out


def waves(report_dir):
    path = report_dir + "/waves.log"
    return open(path).read().split("\n")[:-1] if os.path.exists(path) else []


class Rendered(html.parser.HTMLParser):
    """The report's DOM after Chromium ran its script: the table's rows (cell texts)."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_body, self.external = [], None, False, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        if tag == "tr" and self.in_body:
            self.rows.append([])
        if tag == "td" and self.in_body:
            self.cell = ""
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                self.external.append(a[k])

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def rendered_rows(report_html):
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          "file://" + report_html], capture_output=True, text=True, timeout=120).stdout
    p = Rendered()
    p.feed(dom)
    return p, dom


def started(doc):
    t = datetime.datetime.strptime(doc["started"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return t, t + datetime.timedelta(milliseconds=doc["duration_ms"])


def unchanged(dbs, keys):
    return all(sha(dbs[k][0]) == dbs[k][2] for k in keys)


# ---------------------------------------------------------------------------------------------
print("\n== the module on one database (ansible ad hoc, localhost)", flush=True)
ANSIBLE = os.path.join(os.path.dirname(PLAYBOOK), "ansible")


def module(args, *extra):
    """migsh.fleet.migsh on localhost: the task's result (ad hoc, one line: `localhost | STATUS => {…}`)."""
    argv = [ANSIBLE, "localhost", "-o", "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable,
            "-m", "migsh.fleet.migsh", "-a", json.dumps(dict(args, binary=MIGSH, migrations=MIGRATIONS))] + list(extra)
    r = subprocess.run(argv, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("localhost | SKIPPED"):
            return {"skipped": True, "changed": False}
        if line.startswith("localhost | ") and " => " in line:
            status, result = line[len("localhost | "):].split(" => ", 1)
            return dict(json.loads(result), failed=status.startswith("FAILED"))
    raise SystemExit("ansible ad hoc gave no result: %s\n%s" % (r.stdout[-2000:], r.stderr[-2000:]))


one = WORK + "/one/app.db"
make_db(one, "v3")
before = sha(one)
res = module({"database": one, "command": "check"})
check(not res.get("failed") and res["rc"] == 5 and res["changed"] is False and res["migsh"]["pending"] == 5,
      "check on v3: not a failure, rc 5, 5 pending, not changed: %s" % {k: res.get(k) for k in ("failed", "rc", "changed", "msg")})
res = module({"database": one, "command": "apply"}, "--check")
check(not res.get("failed") and res["changed"] is False and res["migsh"]["dry_run"] is True and sha(one) == before,
      "apply in check mode: .apply --dry-run, not changed, the file byte for byte as it was")
res = module({"database": one, "command": "backup"}, "--check")
check(res.get("skipped") is True and res["changed"] is False, "backup in check mode: does not run")
res = module({"database": one, "command": "apply"})
check(not res.get("failed") and res["changed"] is True and res["migsh"]["to_version"] == 8 and version(one) == 8
      and res["cmd"][-1] == ".apply --yes", "apply: changed, .apply --yes, at 8 as sqlite3 reads it")
res = module({"database": one, "command": "apply"})
after_apply = sha(one)
check(not res.get("failed") and res["changed"] is False, "apply again: up to date, not changed")
res = module({"database": one, "command": "backup"})
check(not res.get("failed") and res["changed"] is False and os.path.exists(res["migsh"]["path"]) and sha(one) == after_apply,
      "backup: a backup file, the database not changed")
res = module({"database": one, "command": "restore", "restore_version": 3})
check(not res.get("failed") and res["changed"] is True and version(one) == 3 and res["cmd"][-1] == ".restore --version 3 --yes",
      "restore --version 3: changed, back at 3 as sqlite3 reads it")
res = module({"database": WORK + "/one/missing.db", "command": "apply"})
check(res.get("failed") is True and res["rc"] == 1 and res["msg"].startswith("migsh exited with status 1: ")
      and "missing.db" in res["msg"] and not os.path.exists(WORK + "/one/missing.db"),
      "a missing database: failed, rc 1, migsh's message, no file created: %s" % res.get("msg"))

# ---------------------------------------------------------------------------------------------
# Fleet 1: five hosts, every state.
ROOT1 = WORK + "/fleet1"
HOSTS1 = {
    "canary1": ("canary", {"a": "v8", "b": "v3"}),
    "rest1": ("rest", {"a": "v8", "b": "v1"}),
    "rest2": ("rest", {"a": "v5", "b": "newer", "c": "partial"}),
    "rest3": ("rest", {"a": "v3", "b": "locked"}),
    "rest4": ("rest", {"a": "v5", "b": "v8"}),
}
dbs = make_fleet(ROOT1, HOSTS1)
inv = inventory(ROOT1, HOSTS1)
ALL = list(dbs)

print("\n== mixed migsh versions are refused before anything changes", flush=True)
fake = WORK + "/old-migsh"
with open(fake, "w") as f:
    f.write("#!/bin/sh\n[ \"$1\" = --version ] && { echo 'migsh 0.1.0 (SQLite 3.40.1)'; exit 0; }\nexit 1\n")
os.chmod(fake, 0o755)
inv_mixed = open(inv).read().replace("rest4 migsh_root", "rest4 migsh_binary=%s migsh_root" % fake)
with open(ROOT1 + "/inventory-mixed.ini", "w") as f:
    f.write(inv_mixed)
r = rollout(ROOT1 + "/inventory-mixed.ini", WORK + "/report-mixed")
check(r.returncode != 0, "mixed versions: ansible-playbook fails (exit %d)" % r.returncode)
check("mixed migsh versions" in r.stdout and "0.1.0" in r.stdout, "mixed versions: the message names the versions")
check(waves(WORK + "/report-mixed") == [], "mixed versions: no wave started")
check(unchanged(dbs, ALL), "mixed versions: every database byte for byte as it was")

print("\n== dry run (--check): .apply --dry-run everywhere, nothing changes", flush=True)
r = rollout(inv, WORK + "/report-dry", "--check", "-e", "migsh_max_fail_percentage=50")
rc = recap(r.stdout)
check(unchanged(dbs, ALL), "dry run: every database byte for byte as it was")
check(all(h.get("changed") == 0 for h in rc.values()) and len(rc) == 5, "dry run: changed=0 on every host: %s" % rc)
merged = json.load(open(WORK + "/report-dry/merged.json"))
check(len(merged["databases"]) == len(ALL), "dry run: the merged report has all %d databases" % len(ALL))
hostdoc = json.load(open(WORK + "/report-dry/hosts/canary1.json"))
check(hostdoc.get("commands") == [".apply --dry-run"], "dry run: the hosts ran .apply --dry-run: %s" % hostdoc.get("commands"))

print("\n== the rollout: canary first, then waves of two; a locked database on rest3", flush=True)
locked = dbs[("rest3", "b")][0]
locker = subprocess.Popen([sys.executable, "-c", (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO Users(username) VALUES('locker')\")\n"
    "print('locked', flush=True); sys.stdin.read(); c.execute('ROLLBACK')\n"), locked],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
check(locker.stdout.readline().strip() == "locked", "rest3/b.db held by another process")
REPORT = WORK + "/report"
r = rollout(inv, REPORT, "-e", "migsh_max_fail_percentage=50")
locker.stdin.close()
locker.wait()
print(r.stdout[-1500:])
rc = recap(r.stdout)
check(r.returncode == 2, "rollout: ansible-playbook exits 2 (some hosts failed): %d" % r.returncode)
check(waves(REPORT) == ["canary canary1", "rest rest1,rest2", "rest rest3,rest4"],
      "rollout: waves canary1, then rest1+rest2, then rest3+rest4: %s" % waves(REPORT))
expect_v8 = [k for k in ALL if dbs[k][1] in ("v1", "v3", "v5", "v8")]
stay = [k for k in ALL if k not in expect_v8]
for k in expect_v8:
    path, state, digest, n = dbs[k]
    if state == "v8":
        check(sha(path) == digest, "%s/%s.db (up to date): byte for byte as it was" % k)
    else:
        check(version(path) == 8 and schema(path) == V8_SCHEMA and users(path) == n,
              "%s/%s.db (%s): at 8, the schema of version 8, every user" % (k + (state,)))
for k in stay:
    check(sha(dbs[k][0]) == dbs[k][2], "%s/%s.db (%s): byte for byte as it was" % (k + (dbs[k][1],)))
check({h: (v.get("changed"), v.get("failed")) for h, v in rc.items()} ==
      {"canary1": (1, 0), "rest1": (1, 0), "rest2": (0, 1), "rest3": (0, 1), "rest4": (1, 0)},
      "rollout: changed on canary1, rest1, rest4; failed on rest2, rest3: %s" % rc)
check(re.search(r"fatal: \[rest2\]: FAILED! => .*\"msg\": \"migsh exited with status 3: ", r.stdout) is not None
      and re.search(r"fatal: \[rest2\]: FAILED! => .*\"rc\": 3", r.stdout) is not None,
      "rollout: rest2's failure carries migsh's exit code 3 and message")
check(re.search(r"fatal: \[rest3\]: FAILED! => .*\"rc\": 1", r.stdout) is not None,
      "rollout: rest3's failure (locked) carries exit code 1")

merged = json.load(open(REPORT + "/merged.json"))
entries = {(e["host"], os.path.basename(e["path"])[:-3]): e for e in merged["databases"]}
check(set(entries) == set(ALL), "merged: one entry per database, named by inventory host: %s" % sorted(entries))
check(all(entries[k]["version_after"] == version(dbs[k][0]) for k in ALL),
      "merged: version_after is each database's version as sqlite3 reads it")
outcomes = {k: entries[k]["outcome"] for k in ALL}
check(all(outcomes[k] == "ok" for k in expect_v8), "merged: ok for every database that reached 8")
check(outcomes[("rest2", "b")] == "too_new" and outcomes[("rest2", "c")] == "failed"
      and outcomes[("rest3", "b")] == "failed", "merged: too_new, failed (partial), failed (locked): %s" % outcomes)
check("partially applied" in (entries[("rest2", "c")].get("state") or ""), "merged: rest2/c.db named partially applied")
check(merged["exit_code"] == 3, "merged: exit_code 3, the most severe: %s" % merged["exit_code"])

docs = {h: json.load(open("%s/hosts/%s.json" % (REPORT, h))) for h in HOSTS1}
c_end = started(docs["canary1"])[1]
w1 = [started(docs[h]) for h in ("rest1", "rest2")]
w2 = [started(docs[h]) for h in ("rest3", "rest4")]
check(all(c_end <= s for s, _ in w1 + w2), "waves: canary1's migsh finished before any other host's started")
check(max(e for _, e in w1) <= min(s for s, _ in w2), "waves: rest1+rest2 finished before rest3+rest4 started")

p, dom = rendered_rows(REPORT + "/report.html")
check(len(p.rows) == len(ALL), "HTML (Chromium): %d table rows: %d" % (len(ALL), len(p.rows)))
check(all(any(dbs[k][0] in " ".join(row) and k[0] in " ".join(row) for row in p.rows) for k in ALL),
      "HTML (Chromium): every database's row names its host and path")
check(p.external == [], "HTML (Chromium): nothing fetched from elsewhere: %s" % p.external)
check(os.stat(REPORT + "/report.html").st_mode & 0o777 == 0o600, "HTML: mode 0600")
summary = open(REPORT + "/summary.txt").read()
check("11 databases" in summary, "summary.txt: migsh's merged summary of 11 databases")

print("\n== the same rollout again: nothing left to change on the hosts that succeeded", flush=True)
after = {k: sha(dbs[k][0]) for k in ALL}
r = rollout(inv, WORK + "/report-again", "-e", "migsh_max_fail_percentage=50")
rc = recap(r.stdout)
check({h: v.get("changed") for h, v in rc.items()} == {"canary1": 0, "rest1": 0, "rest2": 0, "rest3": 1, "rest4": 0},
      "again: changed only on rest3, whose database is no longer locked: %s" % rc)
check(version(locked) == 8 and schema(locked) == V8_SCHEMA, "again: rest3/b.db, unlocked, at 8 with the schema of version 8")
check(all(sha(dbs[k][0]) == after[k] for k in ALL if k != ("rest3", "b")),
      "again: every other database byte for byte as the first rollout left it")

# ---------------------------------------------------------------------------------------------
print("\n== a failing canary stops the rollout (two canaries in one wave, one fails)", flush=True)
ROOT2 = WORK + "/fleet2"
HOSTS2 = {
    "canary1": ("canary", {"a": "partial", "b": "v3"}),
    "canary2": ("canary", {"a": "v3"}),
    "rest1": ("rest", {"a": "v3"}),
    "rest2": ("rest", {"a": "v5"}),
}
dbs2 = make_fleet(ROOT2, HOSTS2)
REPORT2 = WORK + "/report-canary"
r = rollout(inventory(ROOT2, HOSTS2), REPORT2, "-e", "migsh_canary_serial=2", "-e", "migsh_max_fail_percentage=100")
check(r.returncode != 0, "canary: ansible-playbook fails (exit %d)" % r.returncode)
check(waves(REPORT2) == ["canary canary1,canary2"], "canary: only the canary wave ran: %s" % waves(REPORT2))
check(unchanged(dbs2, [("rest1", "a"), ("rest2", "a")]), "canary: rest1, rest2 byte for byte as they were")
check(sha(dbs2[("canary1", "a")][0]) == dbs2[("canary1", "a")][2], "canary: the partial database untouched")
check(version(dbs2[("canary2", "a")][0]) == 8, "canary: canary2, in the same wave, at 8")
merged2 = json.load(open(REPORT2 + "/merged.json"))
check(sorted({e["host"] for e in merged2["databases"]}) == ["canary1", "canary2"],
      "canary: the merged report holds the canaries only")
check("PLAY [The other hosts, in waves]" not in r.stdout, "canary: the rest play never started")

print("\n== a wave over its failure budget stops the rollout (waves of two, max_fail_percentage 0)", flush=True)
ROOT3 = WORK + "/fleet3"
HOSTS3 = {
    "canary1": ("canary", {"a": "v3"}),
    "rest1": ("rest", {"a": "partial"}),
    "rest2": ("rest", {"a": "v5"}),
    "rest3": ("rest", {"a": "v3"}),
}
dbs3 = make_fleet(ROOT3, HOSTS3)
REPORT3 = WORK + "/report-budget"
r = rollout(inventory(ROOT3, HOSTS3), REPORT3, "-e", "migsh_serial=2", "-e", "migsh_max_fail_percentage=0")
check(r.returncode != 0, "budget: ansible-playbook fails (exit %d)" % r.returncode)
check(waves(REPORT3) == ["canary canary1", "rest rest1,rest2"], "budget: the third wave never started: %s" % waves(REPORT3))
check(unchanged(dbs3, [("rest3", "a"), ("rest1", "a")]), "budget: rest3 (next wave) and rest1 (partial) byte for byte as they were")
check(version(dbs3[("rest2", "a")][0]) == 8 and version(dbs3[("canary1", "a")][0]) == 8, "budget: canary1 and rest2 at 8")
check("1 of 2 hosts failed in this wave (rest1), more than 0%" in r.stdout, "budget: the play says why it stops")

print("\n%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
