// Makes a CSV header's column names unique and non-empty: the second `col` becomes `col_2`,
// an empty name becomes `column_N` (N = its 1-based field number), or `row_name` when first.

enum HeaderNames {
    /// The names to use, in field order, each with the warning to report when it was changed.
    static func unique(_ raw: [String]) -> [(name: String, renameMessage: String?)] {
        // Generated names also avoid names that appear later in the header, so that
        // `a,a,a_2` gives `a, a_3, a_2` rather than two `a_2`s.
        let given = Set(raw)
        var used = Set<String>()
        var result: [(String, String?)] = []
        for (i, name) in raw.enumerated() {
            // An empty first name is how R's write.csv heads its row names.
            var chosen = name.isEmpty ? (i == 0 && raw.count > 1 ? "row_name" : "column_\(i + 1)") : name
            if used.contains(chosen) || (name.isEmpty && given.contains(chosen)) {
                let base = chosen
                var k = 2
                repeat {
                    chosen = "\(base)_\(k)"
                    k += 1
                } while used.contains(chosen) || given.contains(chosen)
            }
            used.insert(chosen)
            let message: String? =
                chosen == name
                ? nil
                : name.isEmpty
                    ? (i == 0 && raw.count > 1 ? "empty first column name (R's row names); using '\(chosen)'" : "empty column name; using '\(chosen)'")
                    : "duplicate column name '\(name)'; using '\(chosen)'"
            result.append((chosen, message))
        }
        return result
    }
}
