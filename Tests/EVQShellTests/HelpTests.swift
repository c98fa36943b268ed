// `.help TOPIC` covers every stage, function, aggregate, operator, dot-command and key, from
// the tables that define them; and the hints for habits brought from SQL shells.

import EVQ
import EVQEngine
import EVQSyntax
@testable import EVQShell
import Foundation
import LineEditor
import Testing

@Suite struct HelpTests {
    private func run(_ lines: [String]) -> (out: String, err: String) {
        let (state, out, err) = ShellFixture.state()
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: lines)).run()
        return (out.text, err.text)
    }

    @Test func everyStageFunctionOperatorAndCommandHasHelp() {
        let names = StageName.allCases.map(\.rawValue) + FunctionRegistry.builtin.scalars.map(\.name) + FunctionRegistry.builtin.aggregates.map(\.name)
            + BinaryOperator.allCases.map(\.rawValue) + DotCommands.all.map { "." + $0.name }
        for name in names {
            let text = HelpTopics.text(for: name)
            #expect(text?.isEmpty == false, "no help on \(name)")
        }
        #expect(HelpTopics.text(for: "has_any") == "has_any: text has any of the words: notes has_any [\"drone\", \"airstrike\"]\n")
        #expect(HelpTopics.text(for: "==") == "==: equal (text compares exactly): country == \"Syria\"\n")
        // Every topic completion offers is one help answers.
        #expect(HelpTopics.all.allSatisfy { HelpTopics.text(for: $0) != nil })
    }

    @Test func keysAreListedFromTheEditorsTable() {
        let keys = run([".help keys"]).out.split(separator: "\n")
        #expect(keys.count == LineEditor.keyBindings.count)
        #expect(keys.first == "Tab             complete what fits here (a second Tab on the same text beeps)")
        #expect(run([".help ctrl-r"]).out == "Ctrl-R: search history backwards as you type (Enter runs the match)\n")
        #expect(run([".help Up"]).out == "Up, Down: previous, next statement from history (a multi-line statement is one entry)\n")
    }

    @Test func helpTopicsComplete() {
        let completer = Completer(state: ShellFixture.state().0)
        #expect(completer.complete(".help has").candidates == ["has", "has_all", "has_any"])
        #expect(completer.complete(".help ke").candidates == ["keys"])
    }

    @Test func aBareWordThatIsAValueGetsAHintToQuoteIt() {
        let r = run(["events | where country == iraq | count"])
        #expect(r.err == """
            <prompt>:1:27: error: unknown field 'iraq'
             1 | events | where country == iraq | count
               |                           ^^^^ iraq is a value of country, not a field: quote it, "Iraq"

            """)
    }

    @Test func aLineStartingWithAPipeAfterACompleteStatementSaysWhy() {
        let r = run(["events", "  | where country == \"Iraq\""])
        #expect(r.err == """
            <prompt>:1:3: error: expected an expression, found '|'
             1 |   | where country == "Iraq"
               |   ^ the statement above ran on Enter, as it was complete: press Up to recall it and add the stage, or end a line with | to go on

            """)
    }

    @Test func dotCommandsOfOtherShellsPointToOurs() {
        #expect(run([".import data.csv"]).err == "error: unknown command '.import'; evq loads a file with .load PATH [as NAME] (.help lists them)\n")
        #expect(run([".headers on"]).err == "error: unknown command '.headers'; headers are always shown in table, box and csv modes (.help lists them)\n")
    }
}
