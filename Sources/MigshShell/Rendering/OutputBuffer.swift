import FoundationEssentials
import Glibc

/// Buffered byte output to a file descriptor.
///
/// Result rows are written through here a few bytes at a time; buffering 64 KiB before each
/// `write(2)` keeps millions of rows from turning into millions of system calls, and nothing
/// on the write path allocates.
///
/// A reader that goes away (`migsh … | head`) is not an error worth dying for: once `write(2)`
/// reports `EPIPE` the buffer drops all further output and `isBroken` becomes true. (The
/// process still gets `SIGPIPE` first unless it ignores it, which `MigshMain` arranges.)
///
/// `OutputBuffer.capturing()` keeps what is written instead, for in-process tests of the shell.
public final class OutputBuffer {
    public static let capacity = 64 * 1024

    public let fileDescriptor: Int32
    private let storage: UnsafeMutablePointer<UInt8>
    // Written once per value of every row: without the runtime's exclusivity bookkeeping
    // (a tenth of a million-row query's time). No access to them overlaps another: each
    // method reads and updates them in straight-line code, and nothing here is reentrant.
    @exclusivity(unchecked) private var count = 0
    /// True once the descriptor refused output for good (EPIPE or another write error).
    @exclusivity(unchecked) public private(set) var isBroken = false
    /// The errno of the write that broke it (EPIPE, ENOSPC, EFBIG, …).
    public private(set) var failure: Int32 = 0

    public init(fd: Int32) {
        self.fileDescriptor = fd
        self.storage = .allocate(capacity: OutputBuffer.capacity)
    }

    /// A buffer that writes nowhere and keeps everything in `captured`.
    public static func capturing() -> OutputBuffer { OutputBuffer(fd: -1) }

    /// What a capturing buffer was given, flushed.
    public private(set) var captured: [UInt8] = []
    public var capturedText: String { flush(); return String(decoding: captured, as: UTF8.self) }

    deinit {
        flush()
        storage.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard !isBroken, let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > OutputBuffer.capacity - count {
            flush()
            // Larger than the whole buffer: hand it to the kernel directly.
            if bytes.count >= OutputBuffer.capacity {
                writeAll(base, bytes.count)
                return
            }
        }
        (storage + count).initialize(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        write(UnsafeRawBufferPointer(bytes))
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    public func write(_ string: String) {
        var string = string
        string.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public func write(byte: UInt8) {
        guard !isBroken else { return }
        if count == OutputBuffer.capacity { flush() }
        storage[count] = byte
        count += 1
    }

    /// Writes `n` copies of `byte` (padding).
    public func write(byte: UInt8, repeating n: Int) {
        var left = n
        while left > 0 && !isBroken {
            if count == OutputBuffer.capacity { flush() }
            let chunk = min(left, OutputBuffer.capacity - count)
            (storage + count).initialize(repeating: byte, count: chunk)
            count += chunk
            left -= chunk
        }
    }

    public func flush() {
        guard count > 0 else { return }
        let n = count
        count = 0
        if !isBroken { writeAll(UnsafeRawPointer(storage), n) }
    }

    private func writeAll(_ start: UnsafeRawPointer, _ length: Int) {
        if fileDescriptor < 0 {
            captured.append(contentsOf: UnsafeRawBufferPointer(start: start, count: length))
            return
        }
        var offset = 0
        while offset < length {
            // > write() … may transfer fewer than count bytes … ; EINTR: interrupted by a
            // signal before any data was written.
            let written = Glibc.write(fileDescriptor, start + offset, length - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A non-blocking descriptor that is full: wait until it drains.
                var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, -1)
            } else {
                // EPIPE (reader gone) or any other failure: stop writing; the owner of a
                // redirected output reports `failure` (a full disk must not go unnoticed).
                failure = written < 0 ? errno : EIO
                isBroken = true
                return
            }
        }
    }
}
