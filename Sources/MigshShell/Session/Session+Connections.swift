import MigshCore

/// sqlite3's numbered connections (`.connection`, its `aAuxDb[5]`): slot 0 holds the database
/// the session opened; `.connection N` parks the active connection and makes slot N active,
/// opening there, as sqlite3 does, a private temporary database.
///
/// A connection is a whole database context: a parked one keeps its connection (with its open
/// transaction, temporary tables, parameters, limits, trace), its audit log, its paths
/// (backups, audit), the read-only rule of its database (newer than the application), its
/// `.auth` setting and its `.session` objects. `--readonly`, `-safe` and the output settings
/// are the session's and hold for every connection. Whatever runs, runs on the active one,
/// and is audited in its audit log (a temporary database keeps none, as at start-up).
struct ConnectionSlots {
    /// sqlite3 3.40 has five.
    static let count = 5
    var active = 0
    /// The connections not in use, by slot.
    var parked: [Int: ParkedConnection] = [:]
    /// The active connection's `.session` objects, in sqlite3's order (at most four).
    var changesets: [ChangesetSession] = []
    /// Connections `.connection N` opened (listed as sqlite3 lists them: `(memory)`).
    var unnamed: Set<ObjectIdentifier> = []
    /// SQL ran on the active connection since it became active (sqlite3 opens a new slot's
    /// database at its first use: one left unused is not kept).
    var activeRanSQL = true
}

/// A connection parked by `.connection N`, with everything that belongs to its database.
struct ParkedConnection {
    var db: Connection
    /// The operations' view of it (backups, audit, policy), kept while parked; nil for a
    /// connection never active yet.
    var workspace: Workspace?
    var audit: AuditLog
    var databasePath: String
    var backupsPath: String
    var auditPath: String
    var newerDatabaseReason: String?
    var printsAuthorizations: Bool
    var changesets: [ChangesetSession]
}

extension Session {
    /// sqlite3's name for a connection in `.connection`'s list.
    func connectionName(_ db: Connection, path: String) -> String {
        if path.isEmpty && connections.unnamed.contains(ObjectIdentifier(db)) { return "(memory)" }
        return path.isEmpty ? "(temporary-file)" : path
    }

    /// `.connection`: `ACTIVE N: FILE` for the active slot, `       N: FILE` for each parked one.
    var connectionList: String {
        var text = ""
        for slot in 0..<ConnectionSlots.count {
            if slot == connections.active {
                text += "ACTIVE \(slot): \(connectionName(db, path: configuration.databasePath))\n"
            } else if let parked = connections.parked[slot] {
                text += "       \(slot): \(connectionName(parked.db, path: parked.databasePath))\n"
            }
        }
        return text
    }

    /// `.connection N`: parks the active connection and activates slot N (a slot out of
    /// range, or the active one, is left as it is, as sqlite3 leaves it).
    func activateConnection(_ slot: Int) throws {
        guard slot != connections.active, (0..<ConnectionSlots.count).contains(slot) else { return }
        if configuration.scratch != nil {
            throw MigshError(.refused, ".connection refused: a scratch session works on its one private copy (use .scratch)")
        }
        let incoming = try connections.parked[slot] ?? openUnnamedConnection()
        // Each log sees the switch: the outgoing one here, the incoming one as the command ends.
        log(Audit.Command(command: ".connection \(slot)", outcome: .ok, durationMS: nil))
        let unused = configuration.databasePath.isEmpty && connections.unnamed.contains(ObjectIdentifier(db))
            && !connections.activeRanSQL && connections.changesets.isEmpty && db.isAutocommit
        if unused {
            // As sqlite3, which had not opened it yet: the slot stays empty.
            connections.unnamed.remove(ObjectIdentifier(db))
        } else {
            connections.parked[connections.active] = ParkedConnection(
                db: db, workspace: workspace, audit: audit, databasePath: configuration.databasePath, backupsPath: configuration.backupsPath,
                auditPath: configuration.auditPath, newerDatabaseReason: newerDatabaseReason,
                printsAuthorizations: printsAuthorizations, changesets: connections.changesets)
        }
        connections.activeRanSQL = connections.parked[slot] != nil
        connections.parked[slot] = nil
        connections.active = slot
        configuration.databasePath = incoming.databasePath
        configuration.backupsPath = incoming.backupsPath
        configuration.auditPath = incoming.auditPath
        replaceConnection(with: incoming.db, audit: incoming.audit, workspace: incoming.workspace)
        newerDatabaseReason = incoming.newerDatabaseReason
        connections.changesets = incoming.changesets
        // Installs the session's authorizer on it as it was there (-safe's, or `.auth`'s).
        printsAuthorizations = incoming.printsAuthorizations
    }

    /// sqlite3 opens an unnamed database in a new slot: a private temporary one, with the
    /// session's --readonly, sqlite3's functions and no audit log (unless --audit named one).
    private func openUnnamedConnection() throws -> ParkedConnection {
        var c = configuration
        c.databasePath = ""
        c.scratch = nil
        let newDB = try Session.open(c)
        ShellSQLFunctions.register(on: newDB, fileAccess: Session.fileAccess(configuration))
        connections.unnamed.insert(ObjectIdentifier(newDB))
        let newAudit = c.auditGiven ? audit : try Session.openAudit(c)
        return ParkedConnection(db: newDB, workspace: nil, audit: newAudit, databasePath: "", backupsPath: c.backupsPath, auditPath: c.auditPath,
                                newerDatabaseReason: nil, printsAuthorizations: false, changesets: [])
    }

    /// The end of the session: every parked connection closes. One with a transaction open is
    /// rolled back and, as for the active connection at the end of a script, that is said on
    /// standard error and recorded in its audit log (sqlite3 rolls it back silently). True
    /// when one was.
    func closeParkedConnections() -> Bool {
        var rolledBack = false
        for slot in connections.parked.keys.sorted() {
            guard let parked = connections.parked.removeValue(forKey: slot) else { continue }
            if !parked.db.isAutocommit {
                try? parked.db.execute("ROLLBACK")
                err.write("Error: connection \(slot) ended with a transaction open; it was rolled back (add COMMIT to keep the changes)\n")
                err.flush()
                try? parked.audit.append(Audit.Rollback(reason: "session ended with a transaction open on connection \(slot)"))
                rolledBack = true
            }
            try? parked.audit.flush()
        }
        return rolledBack
    }

    /// `.connection close N`: closes a parked connection (its `.session` objects first); an
    /// open transaction there is rolled back by SQLite, as in sqlite3. False for the active one.
    func closeConnection(_ slot: Int) -> Bool {
        guard slot != connections.active else { return false }
        guard let parked = connections.parked.removeValue(forKey: slot) else { return true }
        connections.unnamed.remove(ObjectIdentifier(parked.db))
        try? parked.audit.flush()
        return true
    }
}
