/// Trimming of ASCII white space (space, \t, \n, \v, \f, \r) at the byte level. Foundation's
/// `trimmingCharacters(in:)` builds a CharacterSet on first use, which costs a cold start more
/// than the work it does; start-up paths and per-statement paths use this instead.
extension StringProtocol {
    public func trimmingASCIIWhitespace() -> String {
        let text = String(self)
        let utf8 = text.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }
}
