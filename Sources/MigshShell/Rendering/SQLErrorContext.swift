/// sqlite3's `shell_error_context`: the statement around the error, on one line, with a
/// caret under the byte SQLite names (`sqlite3_error_offset`), exactly as sqlite3 3.40 prints:
///
///     Parse error near line 1: near "selec": syntax error
///       selec 1;
///       ^--- error here
enum SQLErrorContext {
    static func render(sql: String?, offset: Int?) -> String {
        guard let sql else { return "" }
        return String(decoding: render(sql: Array(sql.utf8), offset: offset), as: UTF8.self)
    }

    /// The context as bytes: the statement's own bytes (Latin-1 included), as sqlite3 writes them.
    static func render(sql: [UInt8], offset: Int?) -> [UInt8] {
        guard let offset, offset >= 0 else { return [] }
        var bytes = sql
        // sqlite3's input chunk does not keep the newline that ended its last line.
        if bytes.last == 0x0a { bytes.removeLast() }
        var iOffset = offset
        var start = 0
        // Keep at most 50 bytes before the error, never starting inside a UTF-8 sequence.
        while iOffset > 50 && start < bytes.count {
            iOffset -= 1
            start += 1
            while start < bytes.count && bytes[start] & 0xc0 == 0x80 { start += 1; iOffset -= 1 }
        }
        bytes = Array(bytes[min(start, bytes.count)...])
        var length = bytes.count
        if length > 78 {
            length = 78
            while length > 0 && bytes[length] & 0xc0 == 0x80 { length -= 1 }
        }
        // White space (newlines included) shows as a space, so the caret lines up.
        let code = bytes[..<length].map { b -> UInt8 in b == 32 || (b >= 9 && b <= 13) ? 32 : b }
        let caret = iOffset < 25
            ? String(repeating: " ", count: max(0, iOffset)) + "^--- error here"
            : String(repeating: " ", count: max(0, iOffset - 14)) + "error here ---^"
        return Array("\n  ".utf8) + code + Array("\n  ".utf8) + Array(caret.utf8)
    }
}
