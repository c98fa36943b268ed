// Tab completion that knows where the cursor is: dot-commands at the start of a line, file
// paths after `.load`/`.read`/`.output`, stages after `|`, the values of a text column after
// `==`, `!=` or `in [` (quoted: actor names have spaces), and otherwise the columns of the
// query's table, functions, tables and keywords.

import EVQ
import Foundation
import LineEditor

public struct Completer {
    let state: ShellState
    /// Most values offered at once after `==`; more would fill the screen.
    static let maxValues = 200

    public init(state: ShellState) { self.state = state }

    /// `before`: the current line up to the cursor; `pending`: earlier lines of the statement.
    public func complete(_ before: String, pending: String = "") -> Completion {
        let statement = pending.isEmpty ? before : pending + "\n" + before
        if pending.isEmpty, let m = before.wholeMatch(of: /\s*\.(?<word>[A-Za-z]*)/) {
            let word = String(m.output.word)
            let names = DotCommands.all.map(\.name).filter { $0.hasPrefix(word) }
            return Completion(replaceLength: word.count + 1, candidates: names.map { "." + $0 })
        }
        if pending.isEmpty, let m = before.wholeMatch(of: /\s*\.(?<command>[A-Za-z]+)\s+(?<rest>.*)/) {
            return dotArgument(String(m.output.command), String(m.output.rest))
        }
        if let m = statement.firstMatch(of: Self.valueContext) {
            let field = String(m.output.field).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let partial = String(m.output.partial ?? "")
            if let values = values(of: field, in: statement, matching: partial) {
                return Completion(replaceLength: partial.count, candidates: values)
            }
        }
        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        // What precedes the word, across the statement's earlier lines too (`|` may end one).
        let beforeWord = statement.dropLast(word.count).reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if beforeWord.first == "|" {
            return Completion(replaceLength: word.count, candidates: StageName.allCases.map(\.rawValue).filter { $0.hasPrefix(word) })
        }
        let previousWord = String(beforeWord.prefix { $0.isLetter }.reversed())
        if previousWord == "lookup" || statementStart(statement, word: word) {
            let keywords = previousWord == "lookup" ? [] : ["let", "param", "explain"]
            return Completion(replaceLength: word.count, candidates: (state.session.tableNames + keywords).filter { $0.hasPrefix(word) })
        }
        return Completion(replaceLength: word.count, candidates: names(in: statement).filter { $0.hasPrefix(word) && $0 != word || $0 == word + "(" })
    }

    /// `field ==`, `field !=`, `field =~`, `field in [` (after earlier items too), then an open quote.
    nonisolated(unsafe) static let valueContext =
        /(?<field>[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)\s*(?:==|!=|=~|!~|!?in~?\s*\[(?:[^\]]*,)?)\s*(?<partial>"[^"]*)?$/

    /// The quoted values of a text column of the statement's table that start with `partial`.
    private func values(of field: String, in statement: String, matching partial: String) -> [String]? {
        guard let table = sourceTable(statement), let column = table.column(named: field), case .string(let s) = column.data else { return nil }
        let prefix = partial.hasPrefix("\"") ? String(partial.dropFirst()).lowercased() : partial.lowercased()
        var out: [String] = []
        for value in s.dictionary.values where value.lowercased().hasPrefix(prefix) {
            out.append(ValueFormat.literal(.string(value)))
            if out.count == Self.maxValues { break }
        }
        return out
    }

    /// The table the statement reads: its first name, after `let x =` or `explain`.
    func sourceTable(_ statement: String) -> Table? {
        var text = Substring(statement)
        if let m = text.firstMatch(of: /^\s*let\s+[A-Za-z_][A-Za-z0-9_]*\s*=\s*/) { text = text[m.range.upperBound...] }
        if let m = text.firstMatch(of: /^\s*explain\s+/) { text = text[m.range.upperBound...] }
        guard let m = text.firstMatch(of: /^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)/) else { return nil }
        return state.session.catalog.tables[String(m.output.name)]
    }

    /// True when the word being typed is the first of the statement (a table or `let`).
    private func statementStart(_ statement: String, word: String) -> Bool {
        statement.dropLast(word.count).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" }
    }

    /// Columns of the statement's table and columns it names with `name =`, functions (with
    /// their parenthesis), bindings, tables and keywords.
    private func names(in statement: String) -> [String] {
        var out: [String] = []
        if let table = sourceTable(statement) {
            out += table.columns.map { c in c.name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? c.name : "`\(c.name)`" }
        }
        out += statement.matches(of: /(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=[^=~]/).map { String($0.output.name) }
        out += (ScalarFunction.allCases.map(\.rawValue) + AggregateFunction.allCases.map(\.rawValue)).map { $0 + "(" }
        out += state.session.catalog.scalars.keys.sorted() + state.session.tableNames
        out += ["and", "or", "not", "in", "by", "asc", "desc", "true", "false", "null"] + BinaryOperator.textOperators.keys.filter { !$0.hasPrefix("!") }.sorted()
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    private func dotArgument(_ commandWord: String, _ rest: String) -> Completion {
        guard case .success(let command) = DotCommands.find(commandWord) else { return Completion(replaceLength: 0, candidates: []) }
        if command.takesPath { return pathCompletion(rest) }
        let word = String(rest.reversed().prefix { !$0.isWhitespace }.reversed())
        switch command.name {
        case "schema": return Completion(replaceLength: word.count, candidates: state.session.tableNames.filter { $0.hasPrefix(word) })
        case "mode": return Completion(replaceLength: word.count, candidates: OutputFormat.allCases.map(\.rawValue).filter { $0.hasPrefix(word) })
        case "timer", "explain": return Completion(replaceLength: word.count, candidates: ["on", "off"].filter { $0.hasPrefix(word) })
        case "help":
            let topics = DotCommands.all.map(\.name) + StageName.allCases.map(\.rawValue) + ScalarFunction.allCases.map(\.rawValue)
                + AggregateFunction.allCases.map(\.rawValue) + ["stages", "functions"]
            return Completion(replaceLength: word.count, candidates: Array(Set(topics)).sorted().filter { $0.hasPrefix(word) })
        default: return Completion(replaceLength: 0, candidates: [])
        }
    }

    /// Files and folders starting with the typed path; folders end in `/` and take no space.
    func pathCompletion(_ typed: String) -> Completion {
        let expanded = (typed as NSString).expandingTildeInPath
        let dirPart = typed.hasSuffix("/") ? typed : (typed as NSString).deletingLastPathComponent
        let directory = expanded.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let prefix = typed.hasSuffix("/") ? "" : (typed as NSString).lastPathComponent
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        var candidates: [String] = []
        for name in listed.sorted() where name.hasPrefix(prefix) && (!name.hasPrefix(".") || prefix.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            let full = (directory.isEmpty ? "." : directory) + "/" + name
            FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            let shown = dirPart.isEmpty ? name : (dirPart.hasSuffix("/") ? dirPart + name : dirPart + "/" + name)
            candidates.append(shown + (isDirectory.boolValue ? "/" : ""))
        }
        let onlyDirectory = candidates.count == 1 && candidates[0].hasSuffix("/")
        return Completion(replaceLength: typed.count, candidates: candidates, appendsSpace: !onlyDirectory)
    }
}
