import CMigshSQLite
import Glibc

/// `edit(TEXT [, EDITOR])`, as sqlite3 3.40's shell has it (editFunc in shell.c.in): TEXT is
/// written to a temporary file, `EDITOR "FILE"` runs through system() (the editor is $VISUAL
/// when EDITOR is not given: sqlite3 reads no other variable), and the file's new content is
/// the result — a blob for a blob, else text, with CR LF turned back into LF unless TEXT
/// held CR LF. The temporary file is SQLite's (SQLITE_FCNTL_TEMPFILENAME), else
/// `tempXXXXXXXX` in the current folder as in sqlite3, and removed afterwards. Errors carry
/// sqlite3's wording.
enum EditFunction {
    static func edit(_ context: OpaquePointer, _ count: Int, _ values: UnsafeMutablePointer<OpaquePointer?>) {
        let editor: UnsafePointer<CChar>?
        if count == 2 {
            editor = sqlite3_value_text(values[1]).map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        } else {
            editor = getenv("VISUAL").map { UnsafePointer($0) }
        }
        guard let editor else {
            sqlite3_result_error(context, "no editor for edit()", -1)
            return
        }
        let input = values[0]
        guard sqlite3_value_type(input) != SQLITE_NULL else {
            sqlite3_result_error(context, "NULL input to edit()", -1)
            return
        }
        let path = temporaryFileName(sqlite3_context_db_handle(context))
        defer { unlink(path) } // path: C bytes (SQLite's temporary name, or ASCII)
        let isBlob = sqlite3_value_type(input) == SQLITE_BLOB

        guard let out = fopen(path, isBlob ? "wb" : "w") else { // path: C bytes (SQLite's temporary name, or ASCII)
            sqlite3_result_error(context, "edit() cannot open temp file", -1)
            return
        }
        var size = Int(sqlite3_value_bytes(input))
        var hadCRLF = false
        let written: Int
        if isBlob {
            written = sqlite3_value_blob(input).map { fwrite($0, 1, size, out) } ?? 0
        } else {
            let text = sqlite3_value_text(input)
            if let text, strstr(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self), "\r\n") != nil { hadCRLF = true }
            written = text.map { fwrite($0, 1, size, out) } ?? 0
        }
        fclose(out)
        guard written == size else {
            sqlite3_result_error(context, "edit() could not write the whole file", -1)
            return
        }

        // sqlite3 runs `EDITOR "FILE"` through the shell, EDITOR's bytes as given.
        let command = FileFunctions.bytes(editor) + Array(" \"".utf8) + path.dropLast().map { UInt8(bitPattern: $0) } + [0x22, 0]
        let status = command.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { system($0.baseAddress) }
        }
        guard status == 0 else {
            sqlite3_result_error(context, "EDITOR returned non-zero", -1)
            return
        }

        guard let file = fopen(path, "rb") else { // path: C bytes (SQLite's temporary name, or ASCII)
            sqlite3_result_error(context, "edit() cannot reopen temp file after edit", -1)
            return
        }
        fseek(file, 0, SEEK_END)
        size = ftell(file)
        rewind(file)
        var content = [UInt8](repeating: 0, count: max(size, 0))
        let read = content.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        guard read == size else {
            sqlite3_result_error(context, "could not read back the whole file", -1)
            return
        }
        if isBlob {
            sqlite3_result_blob64(context, content, UInt64(content.count), SQLITE_TRANSIENT)
            return
        }
        if !hadCRLF {
            // New CR LF pairs (an editor's line ends) go back to LF.
            var kept: [UInt8] = []
            kept.reserveCapacity(content.count)
            var i = 0
            while i < content.count {
                if content[i] == 0x0d && i + 1 < content.count && content[i + 1] == 0x0a { i += 1 }
                kept.append(content[i])
                i += 1
            }
            content = kept
        }
        let length = UInt64(content.count)
        (content + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sqlite3_result_text64(context, $0.baseAddress, length, SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// The temporary file's name, NUL-terminated: the one SQLite would use for this
    /// connection, else `temp` and 16 random hex digits in the current folder (sqlite3's
    /// fallback; an in-memory database has no temporary-file name).
    static func temporaryFileName(_ db: OpaquePointer?) -> [CChar] {
        var name: UnsafeMutablePointer<CChar>?
        // > SQLITE_FCNTL_TEMPFILENAME … the VFS writes a name for a temporary file into
        // > memory obtained from sqlite3_malloc() … the caller must free it.
        _ = withUnsafeMutablePointer(to: &name) { sqlite3_file_control(db, nil, SQLITE_FCNTL_TEMPFILENAME, $0) }
        if let name {
            defer { sqlite3_free(name) }
            return Array(UnsafeBufferPointer(start: name, count: strlen(name) + 1))
        }
        var random: UInt64 = 0
        sqlite3_randomness(Int32(MemoryLayout<UInt64>.size), &random)
        return Array("temp\(String(random, radix: 16))".utf8CString)
    }
}
