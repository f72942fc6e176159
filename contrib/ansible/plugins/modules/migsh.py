#!/usr/bin/python
# -*- coding: utf-8 -*-
# migsh.fleet.migsh: run migsh on the target host and return its --json document.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: migsh
short_description: Check, migrate, back up or restore SQLite databases with migsh
description:
  - Runs C(migsh) on the target host on one database (O(database)) or on every database of
    the host (O(each), O(fleet)), and returns migsh's C(--json) document as RV(migsh).
  - It never prompts. C(--yes) is given only when the task asks for a change
    (O(command=apply) or O(command=restore)) and not in check mode.
  - In check mode, O(command=apply) runs C(.apply --dry-run); O(command=backup) and
    O(command=restore) do not run.
  - C(changed) is true only when a database changed: for one database, its file's bytes
    (and its C(-wal)) differ after the run; for a fleet run, an entry's schema version
    moved, or a restore succeeded.
  - A failure carries migsh's exit code (RV(rc)) and its message (RV(msg), from migsh's
    standard error).
options:
  database:
    description: The SQLite database file.
    type: path
  each:
    description: A glob of databases (migsh expands it, C(glob(3)) with C({a,b}) and C(~)); a fleet run.
    type: str
  fleet:
    description: A file listing the databases, one path a line; a fleet run.
    type: path
  migrations:
    description: The migrations folder on the host.
    type: path
    required: true
  command:
    description:
      - C(check) is C(migsh --check) (exit 5, pending, is not a failure), C(pending) C(.pending),
        C(diff) C(.diff), C(apply) C(.apply --yes), C(backup) C(.backup),
        C(restore) C(.restore --latest --yes) (or O(restore_file), O(restore_version)).
    type: str
    default: check
    choices: [check, pending, diff, apply, backup, restore]
  target:
    description: The required schema version (C(--target N)).
    type: int
  canary:
    description: Fleet runs, C(--canary N).
    type: int
  max_failures:
    description: Fleet runs, C(--max-failures N).
    type: int
  backups:
    description: Where backups go (C(--backups DIR)).
    type: path
  jobs:
    description: Fleet runs, C(--jobs N).
    type: int
  busy_timeout:
    description: Milliseconds to wait for another process's lock (C(--busy-timeout)).
    type: int
  resume:
    description:
      - O(command=apply) on a partly applied database, C(.apply --resume) runs exactly the statements
        migsh's evidence shows have not run (it refuses when any statement is unverifiable).
    type: bool
    default: false
  restore_file:
    description: O(command=restore), restore this backup file.
    type: path
  restore_version:
    description: O(command=restore), restore the newest backup taken at this schema version.
    type: int
  binary:
    description: The migsh executable on the host.
    type: path
    default: migsh
  report_json:
    description: Also write the JSON document to this file on the host (mode 0600), even when migsh fails.
    type: path
  report_html:
    description: Fleet runs, C(--report FILE.html) on the host.
    type: path
  host_label:
    description: Fleet runs, the name written into each database entry's C(host) (default, the host's own name as migsh sees it).
    type: str
author: migsh
"""

EXAMPLES = r"""
- name: Where is this host?
  migsh.fleet.migsh:
    each: "/srv/sites/*/nukeworks_db.sqlite"
    migrations: /opt/nukeworks/migrations
    command: check

- name: Migrate every database of the host, two first
  migsh.fleet.migsh:
    each: "/srv/sites/*/nukeworks_db.sqlite"
    migrations: /opt/nukeworks/migrations
    command: apply
    canary: 2
    max_failures: 1
    report_json: /var/tmp/migsh-report.json
"""

RETURN = r"""
migsh:
  description: migsh's --json document (a fleet run's report, or one command's document); a list when migsh printed several.
  returned: when migsh printed JSON
  type: raw
rc:
  description: migsh's exit status.
  returned: when migsh ran
  type: int
cmd:
  description: The command line that ran.
  returned: when migsh ran
  type: list
  elements: str
stderr:
  description: migsh's standard error.
  returned: when migsh ran
  type: str
"""

import hashlib
import json
import os

from ansible.module_utils.basic import AnsibleModule

# The dot-command each `command` runs; check is the --check option.
DOT_COMMANDS = {"pending": ".pending", "diff": ".diff", "apply": ".apply", "backup": ".backup", "restore": ".restore"}
CHANGES = ("apply", "restore")


def documents(text):
    """migsh --json prints one JSON document per command: all of them, in order."""
    decoder = json.JSONDecoder()
    docs, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        try:
            doc, i = decoder.raw_decode(text, i)
        except ValueError:
            return docs
        docs.append(doc)


def file_digest(path):
    """The bytes of a database and its -wal: what a change would change."""
    h = hashlib.sha256()
    for p in (path, path + "-wal"):
        try:
            with open(p, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        except FileNotFoundError:
            h.update(b"<absent>")
    return h.hexdigest()


def fleet_changed(doc, command):
    for entry in doc.get("databases", []):
        if entry.get("version_before") != entry.get("version_after"):
            return True
        if command == "restore" and entry.get("outcome") == "ok":
            return True
    return False


def message(rc, stderr, doc):
    """migsh's own words: its standard error, else the fleet report's errors."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines and isinstance(doc, dict):
        lines = ["%s: %s" % (e.get("path"), e.get("error")) for e in doc.get("databases", []) if e.get("error")]
        if doc.get("stopped"):
            lines.append("stopped: %s" % doc["stopped"])
    text = "\n".join(lines) if lines else "(no message)"
    return "migsh exited with status %d: %s" % (rc, text)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            database=dict(type="path"),
            each=dict(type="str"),
            fleet=dict(type="path"),
            migrations=dict(type="path", required=True),
            command=dict(type="str", default="check", choices=["check", "pending", "diff", "apply", "backup", "restore"]),
            target=dict(type="int"),
            canary=dict(type="int"),
            max_failures=dict(type="int"),
            backups=dict(type="path"),
            jobs=dict(type="int"),
            busy_timeout=dict(type="int"),
            resume=dict(type="bool", default=False),
            restore_file=dict(type="path"),
            restore_version=dict(type="int"),
            binary=dict(type="path", default="migsh"),
            report_json=dict(type="path"),
            report_html=dict(type="path"),
            host_label=dict(type="str"),
        ),
        mutually_exclusive=[("database", "each", "fleet"), ("restore_file", "restore_version")],
        required_one_of=[("database", "each", "fleet")],
        supports_check_mode=True,
    )
    p = module.params
    command = p["command"]
    is_fleet = p["database"] is None

    if module.check_mode and command in ("backup", "restore"):
        module.exit_json(changed=False, skipped=True, msg="check mode: %s does not run (it writes)" % command)

    argv = [p["binary"], "--noinit", "-m", p["migrations"], "--json"]
    for name, flag in (("backups", "--backups"), ("busy_timeout", "--busy-timeout"), ("target", "--target"),
                       ("jobs", "--jobs"), ("canary", "--canary"), ("max_failures", "--max-failures"),
                       ("report_html", "--report")):
        if p[name] is not None:
            argv += [flag, str(p[name])]
    if p["each"] is not None:
        argv += ["--each", p["each"]]
    elif p["fleet"] is not None:
        argv += ["--fleet", p["fleet"]]
    else:
        argv.append(p["database"])

    if command == "check":
        argv.append("--check")
    else:
        words = [DOT_COMMANDS[command]]
        if command == "apply":
            if p["resume"]:
                words.append("--resume")
            words.append("--dry-run" if module.check_mode else "--yes")
        elif command == "restore":
            if p["restore_file"]:
                quote = "'" if "'" not in p["restore_file"] else '"'
                if quote in p["restore_file"]:
                    module.fail_json(msg="restore_file: a path with both kinds of quote cannot be given to .restore")
                words.append(quote + p["restore_file"] + quote)
            elif p["restore_version"] is not None:
                words += ["--version", str(p["restore_version"])]
            else:
                words.append("--latest")
            words.append("--yes")
        argv.append(" ".join(words))

    before = None if is_fleet or command not in CHANGES else file_digest(p["database"])
    # No terminal, no standard input: migsh reads its COMMAND arguments only and never asks.
    rc, stdout, stderr = module.run_command(argv, data=None, binary_data=True, environ_update={"NO_COLOR": "1"})
    docs = documents(stdout)
    doc = docs[0] if len(docs) == 1 else (docs or None)

    if is_fleet and isinstance(doc, dict) and p["host_label"]:
        for entry in doc.get("databases", []):
            entry["host"] = p["host_label"]
    if p["report_json"] and doc is not None:
        fd = os.open(p["report_json"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")

    if module.check_mode or command not in CHANGES:
        changed = False
    elif is_fleet:
        changed = isinstance(doc, dict) and fleet_changed(doc, command)
    else:
        changed = file_digest(p["database"]) != before

    result = dict(changed=changed, rc=rc, cmd=argv, stderr=stderr, migsh=doc)
    ok_codes = (0, 5) if command == "check" else (0,)
    if rc not in ok_codes:
        module.fail_json(msg=message(rc, stderr, doc), **result)
    if command == "check" and rc == 5:
        result["msg"] = "migrations pending"
    # Explicitly: Ansible counts a result with a non-zero rc as failed unless told otherwise.
    module.exit_json(failed=False, **result)


if __name__ == "__main__":
    main()
