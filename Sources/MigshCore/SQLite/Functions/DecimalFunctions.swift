import CMigshSQLite

/// `decimal(X)`, `decimal_add(X,Y)`, `decimal_sub(X,Y)`, `decimal_mul(X,Y)`, `decimal_cmp(X,Y)`,
/// the aggregate (and window) `decimal_sum(X)` and the `decimal` collation, as sqlite3 3.40's
/// shell has them (ext/misc/decimal.c of that release): exact decimal arithmetic on text.
/// Every argument is read as its text (a float as SQLite prints it, a blob's bytes): an
/// optional sign, digits, one point, an exponent; other characters are skipped, so 'abc' is
/// 0. NULL gives NULL (`decimal_sum` skips it). A negative zero keeps its sign where 3.40
/// keeps it (`decimal('-0.000')`, `decimal_add('-1','1')` is `-0`).
enum DecimalFunctions {
    static func register(on db: OpaquePointer) {
        let flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(db, "decimal", 1, flags, nil, { context, _, values in
            guard let context, let values else { return }
            DecimalNumber(values[0]).result(context)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "decimal_add", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            var a = DecimalNumber(values[0])
            a.add(DecimalNumber(values[1]))
            a.result(context)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "decimal_sub", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            var a = DecimalNumber(values[0])
            var b = DecimalNumber(values[1])
            b.negative.toggle()
            a.add(b)
            a.result(context)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "decimal_mul", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            var a = DecimalNumber(values[0])
            let b = DecimalNumber(values[1])
            guard !a.isNull, !b.isNull else { return }
            a.multiply(by: b)
            a.result(context)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "decimal_cmp", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            let a = DecimalNumber(values[0])
            guard !a.isNull else { return }
            let b = DecimalNumber(values[1])
            guard !b.isNull else { return }
            sqlite3_result_int(context, Int32(a.compare(b).signum()))
        }, nil, nil, nil)
        sqlite3_create_window_function(db, "decimal_sum", 1, flags, nil, { context, _, values in
            guard let context, let values else { return }
            DecimalFunctions.accumulate(context, values[0], negate: false)
        }, { context in
            guard let context, let sum = DecimalFunctions.sum(context, create: false) else { return }
            sum.value.result(context)
            sum.release()
        }, { context in
            guard let context, let sum = DecimalFunctions.sum(context, create: false) else { return }
            sum.value.result(context)
        }, { context, _, values in
            guard let context, let values else { return }
            DecimalFunctions.accumulate(context, values[0], negate: true)
        }, nil)
        sqlite3_create_collation_v2(db, "decimal", SQLITE_UTF8, nil, { _, count1, key1, count2, key2 in
            let a = DecimalNumber(UnsafeBufferPointer(start: key1?.assumingMemoryBound(to: UInt8.self), count: Int(count1)))
            let b = DecimalNumber(UnsafeBufferPointer(start: key2?.assumingMemoryBound(to: UInt8.self), count: Int(count2)))
            return Int32(a.compare(b).signum())
        }, nil)
    }

    /// The running sum of one `decimal_sum`, kept through its aggregate context (which holds a
    /// retained pointer to it, released by xFinal).
    final class Sum {
        var value = DecimalNumber(digits: [0], fraction: 0)
    }

    struct SumHandle {
        let slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>
        var value: DecimalNumber {
            get { Unmanaged<Sum>.fromOpaque(slot.pointee!).takeUnretainedValue().value }
            nonmutating set { Unmanaged<Sum>.fromOpaque(slot.pointee!).takeUnretainedValue().value = newValue }
        }
        func release() {
            Unmanaged<Sum>.fromOpaque(slot.pointee!).release()
            slot.pointee = nil
        }
    }

    /// > sqlite3_aggregate_context(C,0) returns a NULL pointer when first called (no row was
    /// > stepped): the sum of no rows is then NULL, as in decimal.c.
    static func sum(_ context: OpaquePointer, create: Bool) -> SumHandle? {
        let size = create ? Int32(MemoryLayout<UnsafeMutableRawPointer?>.size) : 0
        guard let raw = sqlite3_aggregate_context(context, size) else { return nil }
        let slot = raw.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: 1)
        if slot.pointee == nil {
            guard create else { return nil }
            slot.pointee = Unmanaged.passRetained(Sum()).toOpaque()
        }
        return SumHandle(slot: slot)
    }

    static func accumulate(_ context: OpaquePointer, _ value: OpaquePointer?, negate: Bool) {
        guard let sum = sum(context, create: true) else { return sqlite3_result_error_nomem(context) }
        guard sqlite3_value_type(value) != SQLITE_NULL else { return }
        var argument = DecimalNumber(value)
        if negate { argument.negative.toggle() }
        var total = sum.value
        total.add(argument)
        sum.value = total
    }
}

/// decimal.c's Decimal: digits most significant first, `fraction` of them after the point.
struct DecimalNumber {
    var negative = false
    var isNull = false
    var digits: [Int8] = []
    var fraction = 0

    init(digits: [Int8], fraction: Int) {
        self.digits = digits
        self.fraction = fraction
    }

    /// A value's text (NULL stays NULL).
    init(_ value: OpaquePointer?) {
        guard sqlite3_value_type(value) != SQLITE_NULL else {
            self.init(digits: [], fraction: 0)
            isNull = true
            return
        }
        let text = sqlite3_value_text(value)
        let count = Int(sqlite3_value_bytes(value))
        self.init(UnsafeBufferPointer(start: text, count: text == nil ? 0 : count))
    }

    init(_ text: UnsafeBufferPointer<UInt8>) {
        let n = text.count
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
        while i < n && isSpace(text[i]) { i += 1 }
        if i < n && text[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if i < n && text[i] == UInt8(ascii: "+") {
            i += 1
        }
        while i < n && text[i] == UInt8(ascii: "0") { i += 1 }
        var exponent = 0
        var point = 0
        while i < n {
            let c = text[i]
            if c >= 48 && c <= 57 {
                digits.append(Int8(c - 48))
            } else if c == UInt8(ascii: ".") {
                point = digits.count + 1
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var j = i + 1
                if j >= n { break }
                var negativeExponent = false
                if text[j] == UInt8(ascii: "-") {
                    negativeExponent = true
                    j += 1
                } else if text[j] == UInt8(ascii: "+") {
                    j += 1
                }
                // Digits up to a million; anything else in the exponent is skipped.
                while j < n && exponent < 1_000_000 {
                    if text[j] >= 48 && text[j] <= 57 { exponent = exponent * 10 + Int(text[j] - 48) }
                    j += 1
                }
                if negativeExponent { exponent = -exponent }
                break
            }
            i += 1
        }
        fraction = point > 0 ? digits.count - (point - 1) : 0
        if exponent > 0 {
            if fraction > 0 {
                if exponent <= fraction {
                    fraction -= exponent
                    exponent = 0
                } else {
                    exponent -= fraction
                    fraction = 0
                }
            }
            if exponent > 0 { digits.append(contentsOf: repeatElement(0, count: exponent)) }
        } else if exponent < 0 {
            exponent = -exponent
            let extra = digits.count - fraction - 1
            if extra != 0 {
                if extra >= exponent {
                    fraction += exponent
                    exponent = 0
                } else {
                    exponent -= extra
                    fraction = digits.count - 1
                }
            }
            if exponent > 0 {
                digits.insert(contentsOf: repeatElement(0, count: exponent), at: 0)
                fraction += exponent
            }
        }
    }

    /// decimal_result: leading zeros dropped (one kept before the point), the fraction as is.
    var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + 3)
        let isZero = digits.isEmpty || (digits.count == 1 && digits[0] == 0)
        if negative && !isZero { out.append(UInt8(ascii: "-")) }
        var whole = digits.count - fraction
        if whole <= 0 { out.append(UInt8(ascii: "0")) }
        var j = 0
        while whole > 1 && digits[j] == 0 {
            j += 1
            whole -= 1
        }
        while whole > 0 {
            out.append(UInt8(48 + digits[j]))
            j += 1
            whole -= 1
        }
        if fraction > 0 {
            out.append(UInt8(ascii: "."))
            repeat {
                out.append(UInt8(48 + (j < digits.count ? digits[j] : 0)))
                j += 1
            } while j < digits.count
        }
        return String(decoding: out, as: UTF8.self)
    }

    func result(_ context: OpaquePointer) {
        if isNull { return sqlite3_result_null(context) }
        let t = text
        sqlite3_result_text(context, t, Int32(t.utf8.count), SQLITE_TRANSIENT)
    }

    /// Negative, zero or positive (3.40's decimal_cmp: the signs first, so -0 < 0; then the
    /// whole digits, then digit by digit, the longer fraction greater: 1.0 > 1).
    func compare(_ other: DecimalNumber) -> Int {
        var a = self, b = other
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        if a.negative { swap(&a, &b) }
        let aWhole = a.digits.count - a.fraction
        let bWhole = b.digits.count - b.fraction
        if aWhole != bWhole { return aWhole - bWhole }
        for (x, y) in zip(a.digits, b.digits) where x != y { return Int(x) - Int(y) }
        return a.digits.count - b.digits.count
    }

    /// At least `count` digits, `fractionDigits` of them after the point (decimal_expand).
    mutating func expand(to count: Int, fraction fractionDigits: Int) {
        let addFraction = fractionDigits - fraction
        let addWhole = (count - digits.count) - addFraction
        if addWhole > 0 { digits.insert(contentsOf: repeatElement(0, count: addWhole), at: 0) }
        if addFraction > 0 {
            digits.append(contentsOf: repeatElement(0, count: addFraction))
            fraction += addFraction
        }
    }

    /// self += other, digit by digit.
    mutating func add(_ other: DecimalNumber) {
        if isNull || other.isNull {
            isNull = true
            return
        }
        var b = other
        var whole = digits.count - fraction
        if whole > 0 && digits[0] == 0 { whole -= 1 }
        whole = max(whole, b.digits.count - b.fraction)
        let fractionDigits = max(fraction, b.fraction)
        let count = whole + fractionDigits + 1
        expand(to: count, fraction: fractionDigits)
        b.expand(to: count, fraction: fractionDigits)
        if negative == b.negative {
            var carry: Int8 = 0
            for i in stride(from: count - 1, through: 0, by: -1) {
                let x = digits[i] + b.digits[i] + carry
                carry = x >= 10 ? 1 : 0
                digits[i] = x >= 10 ? x - 10 : x
            }
        } else {
            let (larger, smaller): ([Int8], [Int8])
            if digits.lexicographicallyPrecedes(b.digits) {
                (larger, smaller) = (b.digits, digits)
                negative.toggle()
            } else {
                (larger, smaller) = (digits, b.digits)
            }
            var borrow: Int8 = 0
            for i in stride(from: count - 1, through: 0, by: -1) {
                let x = larger[i] - smaller[i] - borrow
                borrow = x < 0 ? 1 : 0
                digits[i] = x < 0 ? x + 10 : x
            }
        }
    }

    /// self *= other: every digit of the fraction kept, then trailing zeros dropped down to
    /// the shorter fraction of the two.
    mutating func multiply(by other: DecimalNumber) {
        var product = [Int](repeating: 0, count: digits.count + other.digits.count + 2)
        let minimumFraction = min(fraction, other.fraction)
        for i in stride(from: digits.count - 1, through: 0, by: -1) {
            let f = Int(digits[i])
            var carry = 0
            var k = i + other.digits.count + 2
            for j in stride(from: other.digits.count - 1, through: 0, by: -1) {
                let x = product[k] + f * Int(other.digits[j]) + carry
                product[k] = x % 10
                carry = x / 10
                k -= 1
            }
            let x = product[k] + carry
            product[k] = x % 10
            product[k - 1] += x / 10
        }
        digits = product.map { Int8($0) }
        fraction += other.fraction
        negative = negative != other.negative
        while fraction > minimumFraction && digits.last == 0 {
            fraction -= 1
            digits.removeLast()
        }
    }
}
