import Crypto
import FoundationEssentials
import Glibc
import MigshBase

/// Chaining: under the log's lock, the pending lines numbered and hashed after the tail the
/// file has now (whoever wrote it), written in one `write`, and the head file updated.
extension AuditLog {
    /// Writes the pending lines, chained after the file's own tail, under the log's lock.
    func writePending() throws {
        guard !pieces.isEmpty else { return }
        // > flock() … places an advisory lock; LOCK_EX: only one process may hold it.
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw MigshError(.audit, "cannot lock the audit log \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }

        var st = stat()
        fstat(fd, &st)
        var out: [UInt8] = []
        out.reserveCapacity(pending.count + pieces.count * 90 + 1)
        var gap: (seq: Int, hash: String)?
        var headMissing = false
        if st.st_size != knownSize {
            let tail = AuditLog.tail(fd: fd, size: st.st_size)
            (lastSeq, lastHash) = (tail.seq, tail.hash)
            // A line cut short (a writer killed mid-append) stays as evidence; ours start on
            // a line of their own.
            if !tail.endsWithNewline { out.append(UInt8(ascii: "\n")) }
            // The head is written after the lines: a head ahead of the file means entries were
            // removed from its end. Chaining on would hide that, so it is said first.
            let head = readHead()
            if let head, head.seq > tail.seq || (head.seq == tail.seq && head.seq > 0 && head.hash != tail.hash) {
                gap = head
            } else if head == nil, tail.seq > 0, headFD >= 0 {
                // A log with entries but no head (deleted, or never written): lines cut from
                // its end before now cannot be detected. The head written below would hide
                // that; it is said in the log first, so `.audit verify` warns.
                headMissing = true
            }
        }
        if headMissing {
            lastSeq += 1
            let lineStart = out.count
            out.append(contentsOf: #"{"event":"audit_head_missing","found_hash":"\#(lastHash)","found_seq":\#(lastSeq - 1),"prev":"\#(lastHash)","seq":\#(lastSeq),"ts":"\#(AuditLog.timestamp())"}"#.utf8)
            lastHash = out.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
            out.append(UInt8(ascii: "\n"))
        }
        if let gap {
            lastSeq += 1
            let lineStart = out.count
            out.append(contentsOf: #"{"event":"audit_gap","found_hash":"\#(lastHash)","found_seq":\#(lastSeq - 1),"head_hash":"\#(gap.hash)","head_seq":\#(gap.seq),"prev":"\#(lastHash)","seq":\#(lastSeq),"ts":"\#(AuditLog.timestamp())"}"#.utf8)
            lastHash = out.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
            out.append(UInt8(ascii: "\n"))
        }
        // Each line's hash goes straight into the next line's prev as hex (no string a line).
        var prev = Array(lastHash.utf8)
        pending.withUnsafeBufferPointer { bytes in
            var offset = 0
            for piece in pieces {
                lastSeq += 1
                let lineStart = out.count
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + piece.head)]))
                out.append(contentsOf: prev)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(offset + piece.head)..<(offset + piece.head + piece.middle)]))
                AuditLog.appendDecimal(lastSeq, into: &out)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(offset + piece.head + piece.middle)..<(offset + piece.head + piece.middle + piece.tail)]))
                out.withUnsafeBytes { AuditLog.hashHex(UnsafeRawBufferPointer(rebasing: $0[lineStart...]), into: &prev) }
                out.append(UInt8(ascii: "\n"))
                offset += piece.head + piece.middle + piece.tail
            }
        }
        lastHash = String(decoding: prev, as: UTF8.self)
        var written = 0
        while written < out.count {
            let n = out.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                knownSize = -1
                throw MigshError(.audit, "cannot write the audit log \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        knownSize = st.st_size + off_t(out.count)
        pending.removeAll(keepingCapacity: true)
        pieces.removeAll(keepingCapacity: true)
        // Fixed width, written in place: "SEQ HASH\n".
        let seqText = String(lastSeq)
        let head = Array((String(repeating: "0", count: max(0, 20 - seqText.count)) + seqText + " " + lastHash + "\n").utf8)
        if headFD >= 0 { _ = head.withUnsafeBytes { pwrite(headFD, $0.baseAddress!, $0.count, 0) } }
    }

    /// The SHA-256 of `bytes` as 64 lowercase hex digits, written over `hex` (`sha256Hex`'s
    /// text, without a string).
    static func hashHex(_ bytes: UnsafeRawBufferPointer, into hex: inout [UInt8]) {
        let digest = SHA256.hash(data: bytes)
        if hex.count != 64 { hex = [UInt8](repeating: 0, count: 64) }
        hex.withUnsafeMutableBufferPointer { out in
            var i = 0
            for byte in digest {
                let high = byte >> 4, low = byte & 0x0f
                out[i] = high < 10 ? 0x30 + high : 0x57 + high
                out[i + 1] = low < 10 ? 0x30 + low : 0x57 + low
                i += 2
            }
        }
    }

    /// The head file's seq and hash, if it has them.
    func readHead() -> (seq: Int, hash: String)? {
        guard headFD >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 86)
        let n = bytes.withUnsafeMutableBytes { pread(headFD, $0.baseAddress!, $0.count, 0) }
        guard n >= 86 else { return nil }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let seq = Int(parts[0]) else { return nil }
        return (seq, parts[1].trimmingASCIIWhitespace())
    }

    /// The last complete line's seq and hash, and whether the file ends with a newline.
    static func tail(fd: Int32, size: off_t) -> (seq: Int, hash: String, endsWithNewline: Bool) {
        guard size > 0 else { return (0, genesis, true) }
        var window: off_t = 4096
        while true {
            let start = size > window ? size - window : 0
            var bytes = [UInt8](repeating: 0, count: Int(size - start))
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, start) }
            guard n == bytes.count else { return (0, genesis, true) }
            let endsWithNewline = bytes.last == UInt8(ascii: "\n")
            // Drop an incomplete last line: the chain continues from the last complete one.
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                bytes.removeSubrange(nl...)
            } else if start == 0 {
                return (0, genesis, endsWithNewline)
            } else {
                window *= 4
                continue
            }
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                let line = Array(bytes[(nl + 1)...])
                if let seq = seqOf(line) { return (seq, sha256Hex(line), endsWithNewline) }
                // The last line is not one of ours (a cut line followed by a newline): look further back.
                if start == 0 { return lastGoodLine(bytes, endsWithNewline) }
                window *= 4
                continue
            }
            if start == 0 { return lastGoodLine(bytes, endsWithNewline) }
            window *= 4
        }
    }

    /// The last line of `bytes` that is an entry, for a log ending in cut lines.
    static func lastGoodLine(_ bytes: [UInt8], _ endsWithNewline: Bool) -> (seq: Int, hash: String, endsWithNewline: Bool) {
        for line in bytes.split(separator: UInt8(ascii: "\n")).reversed() {
            if let seq = seqOf(Array(line)) { return (seq, sha256Hex(Array(line)), endsWithNewline) }
        }
        return (0, genesis, endsWithNewline)
    }

    /// The `seq` of an entry line, read without a JSON parser; nil for a line that is not one.
    static func seqOf(_ line: [UInt8]) -> Int? {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}") else { return nil }
        let key = Array(#""seq":"#.utf8)
        guard line.count > key.count else { return nil }
        for i in 0...(line.count - key.count) where line[i] == key[0] && Array(line[i..<(i + key.count)]) == key {
            var value = 0
            var j = i + key.count
            var digits = 0
            while j < line.count, line[j] >= 48, line[j] <= 57 { value = value * 10 + Int(line[j] - 48); j += 1; digits += 1 }
            return digits > 0 ? value : nil
        }
        return nil
    }
}
