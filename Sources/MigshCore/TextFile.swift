import FoundationEssentials

/// The text files migsh reads as lists or migrations (`--fleet` lists, `migsh.sum`,
/// `app_versions.json`, `NNN_description.sql`), as editors on Windows write them too: a
/// leading UTF-8 byte-order mark is not part of the text, and lines may end in CRLF.
/// Checksums are never taken of this text: they stay of the file's bytes (`sha256sum`'s).
public enum TextFile {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The bytes after a leading UTF-8 byte-order mark, if there is one.
    public static func withoutByteOrderMark(_ data: Data) -> Data {
        data.starts(with: byteOrderMark) ? data.dropFirst(byteOrderMark.count) : data
    }

    /// The file's text: valid UTF-8, without a leading byte-order mark; nil when not UTF-8.
    public static func decode(_ data: Data) -> String? {
        String(data: withoutByteOrderMark(data), encoding: .utf8)
    }

    /// The lines of `text`, ended by LF, CRLF or a lone CR (the last one may have no end).
    /// A Swift `Character` holds CRLF as one grapheme, so splitting on "\n" alone saw a CRLF
    /// file as one line.
    public static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
