import FoundationEssentials
import Glibc
import MigshBase

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
    /// Where `write(2)` goes: `fileDescriptor`, or a pager's pipe while one shows the output.
    private var target: Int32
    /// Output held back to see whether it fits the screen (see `holdForPager`).
    private var hold: PagerHold?
    /// The pager the output goes through, once the held output grew taller than the screen.
    private var pager: UnsafeMutablePointer<FILE>?
    private let storage: UnsafeMutablePointer<UInt8>
    // Written once per value of every row: without the runtime's exclusivity bookkeeping
    // (a tenth of a million-row query's time). No access to them overlaps another: each
    // method reads and updates them in straight-line code, and nothing here is reentrant.
    @exclusivity(unchecked) private var count = 0
    /// True once the descriptor refused output for good (EPIPE or another write error).
    @exclusivity(unchecked) public private(set) var isBroken = false
    /// The errno of the write that broke it (EPIPE, ENOSPC, EFBIG, …).
    public private(set) var failure: Int32 = 0
    /// True when the pager showing this output was quit (q) before the output ended.
    public var pagerQuit: Bool { pager != nil && isBroken && failure == EPIPE }

    public init(fd: Int32) {
        self.fileDescriptor = fd
        self.target = fd
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

    /// Writes migsh's own text. It may name a word given with bytes that are not UTF-8 (a
    /// file name, a pattern): the String carries them (`CarriedBytes`), and they are written
    /// as the bytes given, as sqlite3 echoes them. (Values from the database never come
    /// through here: they are written as their bytes.)
    public func write(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            guard utf8.count > 0, memchr(utf8.baseAddress!, 0xF4, utf8.count) != nil else {
                return write(UnsafeRawBufferPointer(utf8))
            }
            write(CarriedBytes.bytes(ofUTF8: Array(utf8)))
        }
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

    /// Holds what is written from now on until `releaseHold()`, counting the terminal rows it
    /// takes: output that fits the screen then goes to the terminal as usual; output taller than
    /// the screen starts `pagerCommand` (psql's and litecli's habit for query results) and goes
    /// through it — what was held first, then the rest as it comes, never all of it in memory.
    public func holdForPager(height: Int, width: Int, pagerCommand: String) {
        flush()
        hold = PagerHold(height: max(1, height), width: max(1, width), command: pagerCommand)
    }

    /// Ends a hold: held output that fitted goes to the terminal; a running pager gets the end
    /// of its input and is waited for (the user quits it). A pager quit early (q) does not
    /// break the output for what comes next.
    public func releaseHold() {
        flush()
        if let held = hold {
            hold = nil
            if !held.bytes.isEmpty { held.bytes.withUnsafeBytes { writeAll($0.baseAddress!, $0.count) } }
        }
        if let stream = pager {
            pager = nil
            target = fileDescriptor
            _ = pclose(stream)
            if isBroken && failure == EPIPE { isBroken = false; failure = 0 }
        }
    }

    private func writeAll(_ start: UnsafeRawPointer, _ length: Int) {
        if hold != nil {
            let bytes = UnsafeRawBufferPointer(start: start, count: length)
            hold!.take(bytes)
            guard hold!.rows >= hold!.height else { return }
            // Taller than the screen: the pager shows it. Could it not start, the terminal does.
            let held = hold!
            hold = nil
            if let stream = CarriedBytes.withCString(held.command, { popen($0, "w") }) {
                pager = stream
                target = fileno(stream)
            }
            held.bytes.withUnsafeBytes { writeAll($0.baseAddress!, $0.count) }
            return
        }
        if fileDescriptor < 0 {
            captured.append(contentsOf: UnsafeRawBufferPointer(start: start, count: length))
            return
        }
        var offset = 0
        while offset < length {
            // > write() … may transfer fewer than count bytes … ; EINTR: interrupted by a
            // signal before any data was written.
            let written = Glibc.write(target, start + offset, length - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A non-blocking descriptor that is full: wait until it drains.
                var pfd = pollfd(fd: target, events: Int16(POLLOUT), revents: 0)
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

/// Output held back until it is known to fit the screen: its bytes and the rows they take on a
/// terminal `width` columns wide (a line longer than the width takes several; a character is
/// counted as one column, the UTF-8 lead bytes; a colour escape `ESC [ … m` takes none).
struct PagerHold {
    let height: Int
    let width: Int
    let command: String
    var bytes: [UInt8] = []
    var rows = 0
    private var column = 0
    private var inEscape = false

    init(height: Int, width: Int, command: String) {
        self.height = height
        self.width = max(1, width)
        self.command = command
    }

    mutating func take(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        count(chunk)
    }

    /// Counts the rows `text` adds, up to `height`.
    private mutating func count<Text: Sequence<UInt8>>(_ text: Text) {
        for byte in text where rows < height {
            if inEscape {
                if byte == UInt8(ascii: "m") { inEscape = false }
            } else if byte == 0x1B {
                inEscape = true
            } else if byte == 10 {
                rows += 1
                column = 0
            } else if byte & 0xC0 != 0x80 && byte != 13 {
                if column == width { rows += 1; column = 0 }
                column += 1
            }
        }
    }

    /// The rows `text` takes on a terminal `width` columns wide, counted as the hold counts
    /// them (a last line without its newline takes its row too).
    static func rows(_ text: String, width: Int) -> Int {
        var hold = PagerHold(height: .max, width: width, command: "")
        hold.count(text.utf8)
        return hold.rows + (hold.column > 0 ? 1 : 0)
    }
}
