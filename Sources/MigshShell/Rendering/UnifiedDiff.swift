/// Two texts as a unified diff of their lines: ` ` kept, `-` only in the first, `+` only in
/// the second (a longest-common-subsequence walk; definitions are small).
enum UnifiedDiff {
    static func lines(_ a: String, _ b: String, indent: String = "    ") -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // lcs[i][j]: the common length of x[i...] and y[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out = ""
        var i = 0, j = 0
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] {
                out += indent + "  " + x[i] + "\n"; i += 1; j += 1
            } else if j < y.count, i == x.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                out += indent + "+ " + y[j] + "\n"; j += 1
            } else {
                out += indent + "- " + x[i] + "\n"; i += 1
            }
        }
        return out
    }
}
