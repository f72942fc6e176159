import CMigshSQLite
import FoundationEssentials
import Glibc

/// `regexp(PATTERN, STRING)` — and so the `STRING REGEXP PATTERN` operator — and the
/// case-insensitive `regexpi`, with sqlite3 3.40's dialect (ext/misc/regexp.c), not POSIX:
/// `* + ? {m,n} ( ) | ^ $ .`, `[…]`/`[^…]` with ranges, `\b \w \W \d \D \s \S`, the escapes
/// `\a \f \n \r \t \v`, `\uXXXX`, `\xXX` and a backslash before any of `\()*.+?[$^{|}]-`. No
/// POSIX classes, no back-references. The pattern matches anywhere unless it starts with
/// `^`; case folding is ASCII only. Matching is an NFA over the text's code points (bytes that
/// are not UTF-8 read as U+FFFD), bounded by the pattern's size, never exponential; the text
/// ends at its first NUL. A NULL pattern or string gives NULL; errors are regexp.c's words.
enum RegexpFunction {
    static func register(on db: OpaquePointer) {
        let flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(db, "regexp", 2, flags, nil, { context, _, values in
            RegexpFunction.call(context, values, caseless: false)
        }, nil, nil, nil)
        // regexp.c tells regexpi apart by a non-NULL user data pointer.
        sqlite3_create_function_v2(db, "regexpi", 2, flags, UnsafeMutableRawPointer(bitPattern: 1), { context, _, values in
            RegexpFunction.call(context, values, caseless: true)
        }, nil, nil, nil)
    }

    static func call(_ context: OpaquePointer?, _ values: UnsafeMutablePointer<OpaquePointer?>?, caseless: Bool) {
        guard let context, let values else { return }
        let compiled: CompiledRegexp
        var cache = false
        if let aux = sqlite3_get_auxdata(context, 0) {
            compiled = Unmanaged<CompiledRegexp>.fromOpaque(aux).takeUnretainedValue()
        } else {
            guard let pattern = sqlite3_value_text(values[0]) else { return }
            let bytes = Array(UnsafeBufferPointer(start: pattern, count: strlen(UnsafeRawPointer(pattern).assumingMemoryBound(to: CChar.self))))
            switch RegexpCompiler.compile(bytes, limit: RegexpCompiler.maximumProgram, caseless: caseless) {
            case .failure(let error):
                sqlite3_result_error(context, error.message, -1)
                return
            case .success(let program):
                compiled = program
                cache = true
            }
        }
        if let text = sqlite3_value_text(values[1]) {
            let length = strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))
            sqlite3_result_int(context, compiled.matches(UnsafeBufferPointer(start: text, count: length)) ? 1 : 0)
        }
        if cache {
            // Kept with the statement while the pattern argument is constant.
            sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(compiled).toOpaque()) { pointer in
                if let pointer { Unmanaged<CompiledRegexp>.fromOpaque(pointer).release() }
            }
        }
    }
}

/// The NFA's instructions; each has one integer argument.
enum RegexpOp: UInt8 {
    case match = 1, any, anyStar, fork, goto, accept, classIncluding, classExcluding, classValue, classRange
    case word, notWord, digit, notDigit, space, notSpace, boundary, atStart
}

/// The text read one code point at a time, as regexp.c reads it.
struct RegexpInput {
    var bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var caseless: Bool

    static let end: Int32 = 0
    static let start: Int32 = 0xfffffff

    var peek: UInt8 { position < bytes.count ? bytes[position] : 0 }

    /// The next code point; 0 at the end. Ill-formed UTF-8 (short, overlong, surrogate or
    /// beyond U+10FFFF) is U+FFFD.
    mutating func next() -> Int32 {
        var c = rawNext()
        if caseless, c >= 65, c <= 90 { c += 32 }
        return c
    }

    private mutating func rawNext() -> Int32 {
        guard position < bytes.count else { return 0 }
        var c = Int32(bytes[position])
        position += 1
        guard c >= 0x80 else { return c }
        func continuation(_ offset: Int) -> Bool { bytes[position + offset] & 0xc0 == 0x80 }
        func low(_ offset: Int) -> Int32 { Int32(bytes[position + offset] & 0x3f) }
        if c & 0xe0 == 0xc0, position < bytes.count, continuation(0) {
            c = (c & 0x1f) << 6 | low(0)
            position += 1
            if c < 0x80 { c = 0xfffd }
        } else if c & 0xf0 == 0xe0, position + 1 < bytes.count, continuation(0), continuation(1) {
            c = (c & 0x0f) << 12 | low(0) << 6 | low(1)
            position += 2
            if c <= 0x7ff || (c >= 0xd800 && c <= 0xdfff) { c = 0xfffd }
        } else if c & 0xf8 == 0xf0, position + 2 < bytes.count, continuation(0), continuation(1), continuation(2) {
            c = (c & 0x07) << 18 | low(0) << 12 | low(1) << 6 | low(2)
            position += 3
            if c <= 0xffff || c > 0x10ffff { c = 0xfffd }
        } else {
            c = 0xfffd
        }
        return c
    }
}

struct RegexpError: Error { var message: String }

/// A compiled pattern: the program of an NFA (regexp.c's opcodes, so that its errors are
/// the same).
final class CompiledRegexp {
    let ops: [RegexpOp]
    let args: [Int32]
    let caseless: Bool

    init(ops: [RegexpOp], args: [Int32], caseless: Bool) {
        self.ops = ops
        self.args = args
        self.caseless = caseless
    }

    static func isWord(_ c: Int32) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95
    }
    static func isDigit(_ c: Int32) -> Bool { c >= 48 && c <= 57 }
    static func isSpace(_ c: Int32) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    /// Runs every live state over each code point in turn (a Thompson simulation).
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var input = RegexpInput(bytes: text, caseless: caseless)
        var c = RegexpInput.start
        var previous: Int32 = 0
        var next: [Int] = [0]
        var current: [Int] = []
        current.reserveCapacity(ops.count)
        next.reserveCapacity(ops.count)
        func add(_ set: inout [Int], _ state: Int) {
            if !set.contains(state) { set.append(state) }
        }
        while c != RegexpInput.end && !next.isEmpty {
            previous = c
            c = input.next()
            swap(&current, &next)
            next.removeAll(keepingCapacity: true)
            var i = 0
            while i < current.count {
                let x = current[i]
                i += 1
                switch ops[x] {
                case .match: if args[x] == c { add(&next, x + 1) }
                case .atStart: if previous == RegexpInput.start { add(&current, x + 1) }
                case .any: if c != 0 { add(&next, x + 1) }
                case .word: if Self.isWord(c) { add(&next, x + 1) }
                case .notWord: if !Self.isWord(c) && c != 0 { add(&next, x + 1) }
                case .digit: if Self.isDigit(c) { add(&next, x + 1) }
                case .notDigit: if !Self.isDigit(c) && c != 0 { add(&next, x + 1) }
                case .space: if Self.isSpace(c) { add(&next, x + 1) }
                case .notSpace: if !Self.isSpace(c) && c != 0 { add(&next, x + 1) }
                case .boundary: if Self.isWord(c) != Self.isWord(previous) { add(&current, x + 1) }
                case .anyStar:
                    add(&next, x)
                    add(&current, x + 1)
                case .fork:
                    add(&current, x + Int(args[x]))
                    add(&current, x + 1)
                case .goto: add(&current, x + Int(args[x]))
                case .accept: return true
                case .classIncluding, .classExcluding:
                    if ops[x] == .classExcluding && c == 0 { break }
                    let count = Int(args[x])
                    var hit = false
                    var j = 1
                    while j < count {
                        if ops[x + j] == .classValue {
                            if args[x + j] == c { hit = true; break }
                        } else {
                            if args[x + j] <= c && args[x + j + 1] >= c { hit = true; break }
                            j += 1
                        }
                        j += 1
                    }
                    if ops[x] == .classExcluding { hit.toggle() }
                    if hit { add(&next, x + count) }
                case .classValue, .classRange: break
                }
            }
        }
        for state in next {
            var x = state
            while ops[x] == .goto { x += Int(args[x]) }
            if ops[x] == .accept { return true }
        }
        return false
    }
}

/// regexp.c's compiler (3.40's): the same program and the same errors. 3.40 has no size
/// limit, and its 16-bit state numbers wrap past 65,535 instructions (`a{70000}` then gives
/// wrong answers, a bigger pattern exhausts memory): migsh stops there with the error later
/// releases give, "REGEXP pattern too big".
struct RegexpCompiler {
    static let maximumProgram = 65535

    var input: RegexpInput
    var ops: [RegexpOp] = []
    var args: [Int32] = []
    let limit: Int
    /// An error met without stopping the compilation (regexp.c's zErr): the last one wins.
    var pendingError: String?

    static func compile(_ pattern: [UInt8], limit: Int, caseless: Bool) -> Result<CompiledRegexp, RegexpError> {
        pattern.withUnsafeBufferPointer { whole in
            var body = whole
            var compiler = RegexpCompiler(input: RegexpInput(bytes: whole, caseless: caseless), limit: limit)
            if whole.first == UInt8(ascii: "^") {
                body = UnsafeBufferPointer(rebasing: whole.dropFirst())
            } else {
                compiler.append(.anyStar, 0)
            }
            compiler.input = RegexpInput(bytes: body, caseless: caseless)
            if let message = compiler.alternatives() { return .failure(RegexpError(message: message)) }
            guard compiler.input.position >= body.count else {
                return .failure(RegexpError(message: "unrecognized character"))
            }
            compiler.append(.accept, 0)
            if let message = compiler.pendingError { return .failure(RegexpError(message: message)) }
            return .success(CompiledRegexp(ops: compiler.ops, args: compiler.args, caseless: caseless))
        }
    }

    private mutating func fits(_ count: Int) -> Bool {
        if ops.count + count > limit {
            pendingError = "REGEXP pattern too big"
            return false
        }
        return true
    }

    /// Inserts before instruction `index`; returns the index, 0 when the program is too big.
    @discardableResult
    mutating func insert(at index: Int, _ op: RegexpOp, _ arg: Int32) -> Int {
        guard index <= ops.count else { return 0 }
        if !fits(1) { return 0 }
        ops.insert(op, at: index)
        args.insert(arg, at: index)
        return index
    }

    @discardableResult
    mutating func append(_ op: RegexpOp, _ arg: Int32) -> Int { insert(at: ops.count, op, arg) }

    mutating func copy(from start: Int, count: Int) {
        if !fits(count) { return }
        guard start >= 0, start + count <= ops.count else { return }
        ops.append(contentsOf: ops[start..<start + count])
        args.append(contentsOf: args[start..<start + count])
    }

    static func hexValue(_ c: UInt8) -> Int32? {
        switch c {
        case 48...57: return Int32(c - 48)
        case 97...102: return Int32(c - 87)
        case 65...70: return Int32(c - 55)
        default: return nil
        }
    }

    /// After a backslash: the character it stands for (regexp.c's re_esc_char). In 3.40 `-`
    /// is not among the escapable characters: `\-` is "unknown \ escape", and the `-` is
    /// read again.
    mutating func escaped() -> Int32 {
        let bytes = input.bytes
        let i = input.position
        guard i < bytes.count else { return 0 }
        let c = bytes[i]
        for (letter, digits) in [(UInt8(ascii: "u"), 4), (UInt8(ascii: "x"), 2)] where c == letter && i + digits < bytes.count {
            var value: Int32 = 0
            var ok = true
            for k in 1...digits {
                guard let digit = Self.hexValue(bytes[i + k]) else { ok = false; break }
                value = value * 16 + digit
            }
            if ok {
                input.position += digits + 1
                return value
            }
        }
        let escapes = Array("afnrtv\\()*.+?[$^{|}]".utf8)
        let translations: [UInt8] = [7, 12, 10, 13, 9, 11]
        if let k = escapes.firstIndex(of: c) {
            input.position += 1
            return Int32(k < 6 ? translations[k] : c)
        }
        pendingError = "unknown \\ escape"
        // regexp.c returns the byte as a signed char.
        return Int32(Int8(bitPattern: c))
    }

    /// X|Y|…, up to the first unmatched `)`; an error message or nil.
    mutating func alternatives() -> String? {
        let start = ops.count
        if let error = sequence() { return error }
        while input.peek == UInt8(ascii: "|") {
            let end = ops.count
            insert(at: start, .fork, Int32(end + 2 - start))
            let jump = append(.goto, 0)
            input.position += 1
            if let error = sequence() { return error }
            if jump < args.count { args[jump] = Int32(ops.count - jump) }
        }
        return nil
    }

    /// One operand of `|`.
    mutating func sequence() -> String? {
        var previous = -1
        while true {
            let c = input.next()
            if c == 0 { return nil }
            let start = ops.count
            switch c {
            case 124, 41: // | )
                input.position -= 1
                return nil
            case 40: // (
                if let error = alternatives() { return error }
                if input.peek != UInt8(ascii: ")") { return "unmatched '('" }
                input.position += 1
            case 46: // .
                if input.peek == UInt8(ascii: "*") {
                    append(.anyStar, 0)
                    input.position += 1
                } else {
                    append(.any, 0)
                }
            case 42: // *
                if previous < 0 { return "'*' without operand" }
                insert(at: previous, .goto, Int32(ops.count - previous + 1))
                append(.fork, Int32(previous - ops.count + 1))
            case 43: // +
                if previous < 0 { return "'+' without operand" }
                append(.fork, Int32(previous - ops.count))
            case 63: // ?
                if previous < 0 { return "'?' without operand" }
                insert(at: previous, .fork, Int32(ops.count - previous + 1))
            case 36: // $
                append(.match, RegexpInput.end)
            case 94: // ^
                append(.atStart, 0)
            case 123: // {
                if let error = repetition(of: &previous) { return error }
            case 91: // [
                if let error = characterClass() { return error }
            case 92: // backslash
                let special: RegexpOp? = switch input.peek {
                case UInt8(ascii: "b"): .boundary
                case UInt8(ascii: "d"): .digit
                case UInt8(ascii: "D"): .notDigit
                case UInt8(ascii: "s"): .space
                case UInt8(ascii: "S"): .notSpace
                case UInt8(ascii: "w"): .word
                case UInt8(ascii: "W"): .notWord
                default: nil
                }
                if let special {
                    input.position += 1
                    append(special, 0)
                } else {
                    append(.match, escaped())
                }
            default:
                append(.match, c)
            }
            previous = start
        }
    }

    /// `{m}`, `{m,}`, `{m,n}` after the operand that starts at `previous`: m copies of it,
    /// then n-m optional ones (or a loop for `{m,}`).
    mutating func repetition(of previous: inout Int) -> String? {
        if previous < 0 { return "'{m,n}' without operand" }
        var m = 0, n = 0
        var c = input.peek
        while c >= 48 && c <= 57 {
            m = m * 10 + Int(c - 48)
            if m > limit { return "REGEXP pattern too big" }
            input.position += 1
            c = input.peek
        }
        n = m
        if c == UInt8(ascii: ",") {
            input.position += 1
            n = 0
            c = input.peek
            while c >= 48 && c <= 57 {
                n = n * 10 + Int(c - 48)
                if n > limit { return "REGEXP pattern too big" }
                input.position += 1
                c = input.peek
            }
        }
        if c != UInt8(ascii: "}") { return "unmatched '{'" }
        // `{m,}` reads n as 0: only an explicit n may be less than m.
        if n > 0 && n < m { return "n less than m in '{m,n}'" }
        input.position += 1
        let size = ops.count - previous
        if m == 0 {
            if n == 0 { return "both m and n are zero in '{m,n}'" }
            insert(at: previous, .fork, Int32(size + 1))
            previous += 1
            n -= 1
        } else {
            for _ in 1..<max(m, 1) { copy(from: previous, count: size) }
        }
        if m < n {
            for _ in m..<n {
                append(.fork, Int32(size + 1))
                copy(from: previous, count: size)
            }
        }
        if n == 0 && m > 0 { append(.fork, -Int32(size)) }
        return nil
    }

    /// `[…]` or `[^…]`: the class instruction (its argument: the class's length), then its
    /// values and ranges.
    mutating func characterClass() -> String? {
        let first = ops.count
        if input.peek == UInt8(ascii: "^") {
            append(.classExcluding, 0)
            input.position += 1
        } else {
            append(.classIncluding, 0)
        }
        var c: Int32 = 0
        while true {
            c = input.next()
            if c == 0 { break }
            if c == 91 && input.peek == UInt8(ascii: ":") { return "POSIX character classes not supported" }
            if c == 92 { c = escaped() }
            if input.peek == UInt8(ascii: "-") {
                append(.classRange, c)
                input.position += 1
                c = input.next()
                if c == 92 { c = escaped() }
                append(.classRange, c)
            } else {
                append(.classValue, c)
            }
            if input.peek == UInt8(ascii: "]") {
                input.position += 1
                break
            }
        }
        if c == 0 { return "unclosed '['" }
        if ops.count > first { args[first] = Int32(ops.count - first) }
        return nil
    }
}
