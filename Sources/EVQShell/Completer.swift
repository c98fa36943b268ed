// Tab completion that knows where the cursor is: dot-commands at the start of a line, file
// paths after `.load`/`.read`/`.output`, stages after `|`, the values of a text column after
// `==`, `!=` or `in [` (quoted: actor names have spaces), locations in `near("`, chart kinds
// after `chart` and `to` after a kind, and otherwise the columns of the
// query's table, functions, tables and keywords.

import EVQ
import EVQEngine
import EVQStore
import EVQSyntax
import Foundation
import LineEditor

public struct Completer {
    let state: ShellState
    /// Most values offered at once after `==`; more would fill the screen.
    static let maxValues = 200

    /// For `~` and `$HOME` in paths.
    var environment = ProcessInfo.processInfo.environment

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
            if let (values, total) = values(of: field, in: statement, matching: partial) {
                let more = total - values.count
                return Completion(replaceLength: partial.count, candidates: values,
                                  note: more > 0 ? "(\(more) more value\(more == 1 ? "" : "s") not listed: type more letters)" : nil)
            }
        }
        // A place name in `near("`: the locations of the statement's table, as `near` finds them.
        if let m = statement.firstMatch(of: /\bnear\(\s*(?<partial>"[^"]*)$/),
           let (values, total) = values(of: "location", in: statement, matching: String(m.output.partial)) {
            let more = total - values.count
            return Completion(replaceLength: m.output.partial.count, candidates: values,
                              note: more > 0 ? "(\(more) more value\(more == 1 ? "" : "s") not listed: type more letters)" : nil)
        }
        let word = Self.wordBeforeCursor(before)
        // What precedes the word, across the statement's earlier lines too (`|` may end one).
        let beforeWord = statement.dropLast(word.count).reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if beforeWord.first == "|" {
            return Completion(replaceLength: word.count, candidates: StageName.allCases.map(\.rawValue).filter { $0.hasPrefix(word) })
        }
        let previousWord = String(beforeWord.prefix { $0.isLetter }.reversed())
        if previousWord == "chart" {
            return Completion(replaceLength: word.count, candidates: ChartKind.allCases.map(\.rawValue).filter { $0.hasPrefix(word) })
        }
        // `chart bars to "FILE.svg"`: after the kind, only `to` can follow.
        if ChartKind(rawValue: previousWord) != nil, beforeWord.dropFirst(previousWord.count).drop(while: { $0 == " " }).starts(with: "trahc") {
            return Completion(replaceLength: word.count, candidates: ["to"].filter { $0.hasPrefix(word) })
        }
        if Self.isKeyPosition(statement, beforeWord: beforeWord) {
            return Completion(replaceLength: word.count, candidates: keyNames(in: statement).filter { $0.hasPrefix(word) && $0 != word })
        }
        // A table after `lookup`, `join` or a sequence step's `[`.
        let tableFollows = previousWord == "lookup" || previousWord == "join" || beforeWord.first == "["
        if tableFollows || statementStart(statement, word: word) {
            let keywords = tableFollows ? [] : ["let", "param", "explain", "sequence"]
            return Completion(replaceLength: word.count, candidates: (state.session.tableNames + keywords).filter { $0.hasPrefix(word) })
        }
        return Completion(replaceLength: word.count, candidates: names(in: statement).filter { $0.hasPrefix(word) && $0 != word || $0 == word + "(" })
    }

    /// The name being typed: letters, digits and `_`, or everything since an unclosed backtick.
    static func wordBeforeCursor(_ before: String) -> String {
        if before.filter({ $0 == "`" }).count % 2 == 1, let open = before.lastIndex(of: "`") { return String(before[open...]) }
        return String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
    }

    /// After `by` (or a comma in its list) in the stage being typed: a group or sort key goes here.
    static func isKeyPosition(_ statement: String, beforeWord: ReversedCollection<Substring>.SubSequence) -> Bool {
        let stage = statement.split(separator: "|", omittingEmptySubsequences: false).last ?? ""
        guard stage.firstMatch(of: /\bby\b/) != nil else { return false }
        if beforeWord.first == "," { return stage.firstMatch(of: /\bby\b[^=]*$/) != nil }
        return String(beforeWord.prefix { $0.isLetter }.reversed()) == "by"
    }

    /// What a key can be: the table's columns, names bound earlier, scalar functions. Not aggregates or keywords.
    private func keyNames(in statement: String) -> [String] {
        var out = columnNames(in: statement)
        out += state.session.catalog.functions.scalars.map { $0.name + "(" } + state.session.catalog.scalars.keys.sorted()
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Columns of the statement's table (backticked when they need it) and those it names with `name =`.
    private func columnNames(in statement: String) -> [String] {
        var out: [String] = []
        if let table = sourceTables(statement).first {
            out += table.columns.map { c in c.name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? c.name : "`\(c.name)`" }
        }
        return out + statement.matches(of: /(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=[^=~]/).map { String($0.output.name) }
    }

    /// `field ==`, `field !=`, `field =~`, `field in [` (after earlier items too), then an open quote.
    nonisolated(unsafe) static let valueContext =
        /(?<field>[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)\s*(?:==|!=|=~|!~|!?in~?\s*\[(?:[^\]]*,)?)\s*(?<partial>"[^"]*)?$/

    /// The quoted values of a text column of the statement's table that start with `partial`.
    /// With how many there are in all (only the first `maxValues` are returned).
    private func values(of field: String, in statement: String, matching partial: String) -> ([String], Int)? {
        let dictionaries = sourceTables(statement).compactMap { table -> StringDictionary? in
            // A stored table's column is checked before its values are read, as a statement's are
            // (a damaged one offers nothing; the next statement names the damage).
            guard let i = table.columnIndex(named: field), (try? Store.verifyData(of: table, columns: [i])) != nil,
                  case .string(let s) = table.columns[i].data else { return nil }
            return s.dictionary
        }
        guard !dictionaries.isEmpty else { return nil }
        let prefix = partial.hasPrefix("\"") ? String(partial.dropFirst()).lowercased() : partial.lowercased()
        var matching: [String] = []
        for d in dictionaries { matching += d.values.lazy.filter { $0.lowercased().hasPrefix(prefix) } }
        if dictionaries.count > 1 { matching = Array(Set(matching)).sorted() }  // segments share values
        return (matching.prefix(Self.maxValues).map { ValueFormat.literal(.string($0)) }, matching.count)
    }

    /// The table the statement reads: its first name, after `let x =` or `explain`. A stored
    /// table of several segments is its segments, read as they are (no merge for a Tab).
    func sourceTables(_ statement: String) -> [Table] {
        var text = Substring(statement)
        if let m = text.firstMatch(of: /^\s*let\s+[A-Za-z_][A-Za-z0-9_]*\s*=\s*/) { text = text[m.range.upperBound...] }
        if let m = text.firstMatch(of: /^\s*explain\s+/) { text = text[m.range.upperBound...] }
        guard let m = text.firstMatch(of: /^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)/) else { return [] }
        let name = String(m.output.name)
        return state.session.catalog.segmentedTables[name]?.segments ?? state.session.catalog.tables[name].map { [$0] } ?? []
    }

    /// True when the word being typed is the first of the statement (a table or `let`).
    private func statementStart(_ statement: String, word: String) -> Bool {
        statement.dropLast(word.count).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" }
    }

    /// Columns of the statement's table and columns it names with `name =`, functions (with
    /// their parenthesis), bindings, tables and keywords.
    private func names(in statement: String) -> [String] {
        var out = columnNames(in: statement)
        let functions = state.session.catalog.functions
        out += (functions.scalars.map(\.name) + functions.aggregates.map(\.name)).map { $0 + "(" }
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
            return Completion(replaceLength: word.count, candidates: HelpTopics.all(functions: state.session.catalog.functions).sorted().filter { $0.hasPrefix(word) })
        default: return Completion(replaceLength: 0, candidates: [])
        }
    }

    /// Files and folders starting with the typed path; folders end in `/` and take no space.
    func pathCompletion(_ typed: String) -> Completion {
        let expanded = PathExpansion.expand(typed, environment: environment)
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
