// Hints for habits from SQL and other shells that evq reads differently: a bare word that is
// really a value (`country == Syria`) is taken as a field name; say which column has it and how
// to quote it; a line that starts with `|` at the prompt continues nothing, since the statement
// above ran when it was complete. (`=` for `==` is hinted by the parser, `.import` by the
// dot-command table.)

import EVQ
import EVQStore

enum SQLHabits {
    /// `error` with a hint on each "unknown field 'X'" where X is a value of a text column.
    static func withHints(_ error: EVQError, session: Session) -> EVQError {
        guard case .query(var diagnostics, let file) = error.kind else { return error }
        var changed = false
        for i in diagnostics.indices {
            if diagnostics[i].message == "expected an expression, found '|'",
               file.text.utf8.prefix(diagnostics[i].span.start).allSatisfy({ $0 == 32 || $0 == 9 }) {
                diagnostics[i].hint = "the statement above ran on Enter, as it was complete: press Up to recall it and add the stage, "
                    + "or end a line with | to go on"
                changed = true
                continue
            }
            guard let m = diagnostics[i].message.wholeMatch(of: /unknown field '(?<name>[^']+)'/),
                  let (column, value) = valueNamed(String(m.output.name), in: session)
            else { continue }
            diagnostics[i].hint = "\(m.output.name) is a value of \(column), not a field: quote it, \(ValueFormat.literal(.string(value)))"
            changed = true
        }
        return changed ? EVQError(.query(diagnostics, file)) : error
    }

    /// The first text column (tables in name order) holding `word`, ignoring case, and the value as stored.
    private static func valueNamed(_ word: String, in session: Session) -> (column: String, value: String)? {
        let wanted = word.lowercased()
        for name in session.tableNames {
            for column in session.catalog.table(named: name)!.columns {
                guard case .string(let s) = column.data else { continue }
                if let value = s.dictionary.values.first(where: { $0.lowercased() == wanted }) { return (column.name, value) }
            }
        }
        return nil
    }
}
