// `.help TOPIC`: every dot-command, stage, function, aggregate, operator and key, found in the
// tables that define them (DotCommands.all, StageName, the session's FunctionRegistry,
// BinaryOperator, LineEditor.keyBindings), so help, completion and the parser cannot disagree.

import EVQ
import EVQEngine
import EVQSyntax
import Foundation
import LineEditor

enum HelpTopics {
    /// Topics that list a whole kind.
    static let lists = ["stages", "functions", "operators", "keys"]

    /// Every name `.help` knows with evq's own functions.
    static var all: [String] { all(functions: .builtin) }

    /// Every name `.help` knows, for completion and "did you mean".
    static func all(functions: FunctionRegistry) -> [String] {
        let names = DotCommands.all.map(\.name) + StageName.allCases.map(\.rawValue) + functions.scalars.map(\.name)
            + functions.aggregates.map(\.name) + BinaryOperator.allCases.map(\.rawValue) + lists
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The help text for `topic` (`.mode`, `top`, `bin`, `has`, `keys`), or nil.
    static func text(for topic: String, functions: FunctionRegistry = .builtin) -> String? {
        let name = topic.hasPrefix(".") ? String(topic.dropFirst()) : topic
        switch name {
        case "stages": return StageName.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n") + "\n"
        case "functions": return (functions.scalars.map(\.signature) + functions.aggregates.map(\.signature)).joined(separator: "\n") + "\n"
        case "operators": return BinaryOperator.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n") + "\n"
        case "keys":
            let width = LineEditor.keyBindings.map(\.keys.count).max() ?? 0
            return LineEditor.keyBindings.map { $0.keys.padded(to: width + 2) + $0.action }.joined(separator: "\n") + "\n"
        default: break
        }
        if topic.hasPrefix("."), case .success(let c) = DotCommands.find(name) { return "\(c.usage)\n  \(c.help)\n" }
        if let stage = StageName(rawValue: name) { return "\(stage.rawValue): \(stage.summary)\n" }
        if let f = functions.scalar(named: name) { return f.signature + "\n" }
        if let a = functions.aggregate(named: name) { return a.signature + " (in summarize)\n" }
        if let op = BinaryOperator(rawValue: name) { return "\(op.rawValue): \(op.summary)\n" }
        if let key = LineEditor.keyBindings.first(where: { $0.keys.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(name.lowercased()) }) {
            return "\(key.keys): \(key.action)\n"
        }
        if case .success(let c) = DotCommands.find(name) { return "\(c.usage)\n  \(c.help)\n" }
        return nil
    }
}

extension BinaryOperator {
    /// One line for `.help`; a switch without default, so a new operator cannot go undocumented.
    var summary: String {
        switch self {
        case .or: "either side is true: a or b"
        case .and: "both sides are true: a and b"
        case .eq: "equal (text compares exactly): country == \"Syria\""
        case .ne: "not equal: type != \"Protests\""
        case .lt, .le, .gt, .ge: "compare numbers, texts or times: fatalities >= 10, date < 2020-01-01"
        case .eqCaseless: "equal ignoring case: country =~ \"syria\""
        case .neCaseless: "not equal ignoring case: country !~ \"syria\""
        case .in: "one of a list, or within a time period: country in [\"Iraq\", \"Syria\"], date in 2016"
        case .notIn: "none of a list, or outside a time period: country !in [\"Iraq\"]"
        case .inCaseless: "one of a list, ignoring case: country in~ [\"iraq\"]"
        case .notInCaseless: "none of a list, ignoring case"
        case .add, .sub, .mul, .div, .mod: "arithmetic on numbers; time ± duration: date + 3d"
        case .contains, .notContains: "text contains a piece, ignoring case: notes contains \"drone\""
        case .startswith, .notStartswith: "text starts with a piece, ignoring case"
        case .endswith, .notEndswith: "text ends with a piece, ignoring case"
        case .like, .notLike: "text matches a pattern with * and ?, ignoring case: actor1 like \"*Hezbollah*\""
        case .matches, .notMatches: "text matches a regular expression (case counts): notes matches \"[0-9]+ killed\""
        case .has, .notHas: "text has a whole word, from the word index: notes has \"airstrike\""
        case .hasAny, .notHasAny: "text has any of the words: notes has_any [\"drone\", \"airstrike\"]"
        case .hasAll, .notHasAll: "text has all of the words: notes has_all [\"drone\", \"strike\"]"
        }
    }
}
