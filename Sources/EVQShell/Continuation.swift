// When the prompt asks for another line (`...>`), and how a statement typed over several lines
// is kept in history. The parser says whether input ended too soon; the prompt waits only when
// the last line visibly asks for more, so `events | top 5` is an error now, not a silent wait.

import EVQ
import EVQSyntax
import Foundation

enum Continuation {
    /// Words after which a statement plainly goes on: operators, `by`, and the statement keywords.
    static let continuingWords: Set<String> = ["and", "or", "not", "in", "by", "let", "param", "explain", "lookup", "on"]

    /// True when `text` is unfinished in a way the user can see: it ends with `|`, a comma, an operator,
    /// an open bracket, one of `continuingWords` or a stage name; or a bracket or quote is still open.
    static func needsMoreInput(_ text: String) -> Bool {
        guard Session.needsMoreInput(text) else { return false }
        let tokens: [Token]
        do throws(Diagnostic) {
            tokens = try Lexer.tokenize(SourceFile(name: "", text: text))
        } catch {
            return true  // an unterminated string or backtick name: the next line continues it
        }
        let meaningful = tokens.filter { $0.kind != .eof && $0.kind != .statementEnd }
        guard let last = meaningful.last else { return true }
        var depth = 0
        for t in meaningful {
            if t.isSymbol(.lparen) || t.isSymbol(.lbracket) { depth += 1 }
            if t.isSymbol(.rparen) || t.isSymbol(.rbracket) { depth -= 1 }
        }
        if depth > 0 { return true }
        switch last.kind {
        case .symbol(let s):
            return s != .rparen && s != .rbracket
        case .identifier(let word):
            if continuingWords.contains(word) || BinaryOperator.textOperators[word] != nil { return true }
            let before = meaningful.dropLast().last
            return StageName(rawValue: word) != nil && (before?.isSymbol(.pipe) ?? false)
        default:
            return false
        }
    }

    /// The history entry for a statement typed as `lines`: one line joined by spaces when that reads
    /// the same (so Up recalls it as one editable line), else the lines as typed (a comment or a string
    /// across lines would change meaning).
    static func historyEntry(_ lines: [String]) -> String {
        let typed = lines.joined(separator: "\n")
        guard lines.count > 1 else { return typed }
        let joined = lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        do throws(Diagnostic) {
            let a = try Lexer.tokenize(SourceFile(name: "", text: typed)).map(\.kind)
            let b = try Lexer.tokenize(SourceFile(name: "", text: joined)).map(\.kind)
            return a == b ? joined : typed
        } catch {
            return typed
        }
    }
}
