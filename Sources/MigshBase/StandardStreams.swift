import Glibc

/// Writes all of `text`'s bytes to file descriptor `fd`, again after a short write or EINTR;
/// false when the descriptor refuses them (`FileHandle.write(_:)`, without its exception).
@discardableResult
package func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}

/// `FileHandle.standardError.write(Data(text.utf8))`.
package func writeToStandardError(_ text: String) {
    writeAll(STDERR_FILENO, text)
}

/// Everything left to read from `fd` (`FileHandle.readToEnd()`), or nil on a read error.
package func readToEnd(_ fd: Int32) -> [UInt8]? {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { return result }
        result.append(contentsOf: chunk[..<n])
    }
}
