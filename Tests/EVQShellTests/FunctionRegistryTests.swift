// Functions are defined once, in the registry: every built-in's doc line is what `.help` and
// completion show, and a function added to a session's registry (here, by the test alone) is
// checked, run, helped and completed with nothing else changed.

import EVQ
@testable import EVQEngine
import EVQStore
import EVQSyntax
@testable import EVQShell
import Foundation
import LineEditor
import Testing

/// A scalar function and an aggregate no evq build has: they exist only in these tests.
private enum TestOnly {
    static let twice = ScalarFunction("twice", arity: 1...1, "twice(x): x added to itself",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float], "a number"); return c.type(0) },
        kernel: ScalarFunction.unary { v in
            switch v {
            case .int(let i): .int(i &* 2)
            case .float(let d): .float(d * 2)
            default: .null
            }
        })

    /// max - min of whole numbers, through an accumulator of its own.
    struct Spread: AggregateAccumulator {
        var low: Int64?, high: Int64?
        mutating func add(_ arguments: [Value]) {
            guard case .int(let v) = arguments[0] else { return }
            low = Swift.min(low ?? v, v)
            high = Swift.max(high ?? v, v)
        }
        func result(_ call: AggregateCall) -> Value {
            guard let low, let high else { return .null }
            return .int(high - low)
        }
    }

    static let spread = AggregateFunction("spread", arity: 1...1, "spread(x): largest minus smallest whole number",
        type: { c throws(Diagnostic) in
            guard c.argumentType == .int || c.argumentType == .null else {
                throw Diagnostic("'spread' needs whole numbers, found \(c.argumentType.rawValue)", at: c[0].span)
            }
            return .int
        },
        accumulator: { _ in Spread() })

    static func state() -> (ShellState, StringSink, StringSink) {
        let (state, out, err) = ShellFixture.state()
        state.session.catalog.functions.add(twice)
        state.session.catalog.functions.add(spread)
        return (state, out, err)
    }
}

@Suite struct FunctionRegistryTests {
    private func run(_ state: ShellState, _ lines: [String]) {
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: lines)).run()
    }

    @Test func everyBuiltinsDocIsWhatHelpShows() {
        let registry = FunctionRegistry.builtin
        #expect(registry.scalars.count == 32)
        #expect(registry.aggregates.count == 11)
        for f in registry.scalars {
            #expect(HelpTopics.text(for: f.name) == f.signature + "\n")
            #expect(f.signature.hasPrefix(f.name + "("), "\(f.name)'s doc line does not start with its call")
        }
        for a in registry.aggregates {
            // `count` is a stage too, whose help wins; `.help functions` below lists the aggregate.
            if StageName(rawValue: a.name) == nil { #expect(HelpTopics.text(for: a.name) == a.signature + " (in summarize)\n") }
            #expect(a.signature.hasPrefix(a.name + "("), "\(a.name)'s doc line does not start with its call")
        }
        let listed = HelpTopics.text(for: "functions")?.split(separator: "\n").map(String.init)
        #expect(listed == registry.scalars.map(\.signature) + registry.aggregates.map(\.signature))
        #expect(Set(HelpTopics.all).isSuperset(of: registry.names))
    }

    @Test func everyBuiltinCompletesWithItsParenthesis() {
        let completer = Completer(state: ShellFixture.state().0)
        for name in FunctionRegistry.builtin.names {
            #expect(completer.complete("events | extend x = " + name).candidates.contains(name + "("), "\(name) is not completed")
        }
        // A group key can be a scalar function, never an aggregate.
        #expect(completer.complete("events | summarize count() by bi").candidates.contains("bin("))
        #expect(!completer.complete("events | summarize count() by su").candidates.contains("sum("))
    }

    @Test func aFunctionAddedToTheRegistryIsCheckedAndRun() throws {
        let (state, _, _) = TestOnly.state()
        let r = try state.session.query("events | where fatalities == 12 | project t = twice(fatalities)")
        #expect(r.column("t")?.ints == [24])
        let s = try state.session.query("events | summarize s = spread(fatalities), n = count()")
        #expect(s.column("s")?.ints == [12])
        let grouped = try state.session.query("events | summarize s = spread(fatalities) by country | sort by country")
        #expect(grouped.column("s")?.ints == [0, nil, 0, 0])
    }

    @Test func anAddedFunctionGetsTheRegistrysErrors() {
        let (state, _, _) = TestOnly.state()
        func message(_ q: String) -> (String?, String?) {
            do { _ = try state.session.query(q); return (nil, nil) } catch { return (error.message, error.diagnostics.first?.hint) }
        }
        #expect(message("events | extend t = twice(1, 2)") == ("'twice' takes 1 argument, found 2", "usage: twice(x): x added to itself"))
        #expect(message("events | extend t = twice(country)") == ("'twice' needs a number, found string", "usage: twice(x): x added to itself"))
        #expect(message("events | where spread(fatalities) > 1").0 == "aggregate 'spread' is only allowed in 'summarize'")
        #expect(message("events | summarize spread(country)").0 == "'spread' needs whole numbers, found string")
        #expect(message("events | extend t = twise(1)") == ("unknown function 'twise'", "did you mean 'twice'?"))
        // Without it, the same session's neighbour does not know it.
        #expect(throws: EVQError.self) { try ShellFixture.session().query("events | extend t = twice(1)") }
    }

    @Test func anAddedFunctionIsHelpedAndCompleted() {
        let (state, out, _) = TestOnly.state()
        run(state, [".help twice", ".help spread"])
        #expect(out.text == "twice(x): x added to itself\nspread(x): largest minus smallest whole number (in summarize)\n")
        let completer = Completer(state: state)
        #expect(completer.complete("events | extend x = twi").candidates == ["twice("])
        #expect(completer.complete("events | summarize spr").candidates == ["spread("])
        #expect(completer.complete(".help twi").candidates == ["twice"])
    }

    @Test func unknownFunctionsAndWrongArityKeepTheirTexts() {
        let session = ShellFixture.session()
        func failure(_ q: String) -> (String?, String?) {
            do { _ = try session.query(q); return (nil, nil) } catch { return (error.message, error.diagnostics.first?.hint) }
        }
        #expect(failure("events | summarize sums(fatalities)") == ("unknown function 'sums'", "did you mean 'sum'?"))
        #expect(failure("events | extend x = tolowr(country)") == ("unknown function 'tolowr'", "did you mean 'tolower'?"))
        #expect(failure("events | extend w = bin(date)").0 == "'bin' takes 2 arguments, found 1")
        #expect(failure("events | extend w = now(1)") == ("'now' takes 0 arguments, found 1", "usage: now(): the current time"))
        #expect(failure("events | extend w = substring(country)").0 == "'substring' takes 2 to 3 arguments, found 1")
        #expect(failure("events | summarize percentile(fatalities)") == ("'percentile' takes 2 arguments, found 1",
            "usage: percentile(x, 50): the value at that percentile (nearest rank), nulls ignored"))
        #expect(failure("events | summarize count(1, 2)").0 == "'count' takes 0 to 1 arguments, found 2")
        #expect(failure("events | where count() > 3") == ("aggregate 'count' is only allowed in 'summarize'", "for example: | summarize count() by country"))
        #expect(failure("events | where sum(fatalities) > 3").1 == "for example: | summarize sum(...) by country")
        #expect(failure("events | project tolower") == ("unknown field 'tolower'", "tolower is a function: write tolower(...)"))
    }
}
