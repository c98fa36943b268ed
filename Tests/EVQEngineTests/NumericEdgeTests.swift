// Edge values of the float aggregates and numeric functions: no overflow where the answer
// fits, no lost low-order bits, and null (never nan or inf) for what is undefined.

import EVQ
import EVQStore
import Testing

@Suite struct NumericEdgeTests {
    private func session(_ xs: [Double?]) -> Session {
        var b = TableBuilder(name: "events")
        b.addColumn("g", xs.indices.map { _ in .int(1) })
        b.addColumn("x", xs.map { $0.map(Value.float) ?? .null })
        return Session(tables: [b.build()])
    }

    private func one(_ s: Session, _ aggregate: String, by: String = "") throws -> Value {
        try s.query("events | summarize v = \(aggregate)\(by)").values(of: "v")![0]
    }

    @Test func averagesAndSumsDoNotOverflowOrDropBits() throws {
        let huge = session([1e308, 1e308])
        #expect(try one(huge, "avg(x)") == .float(1e308))
        #expect(try one(huge, "avg(x)", by: " by g") == .float(1e308))  // the typed path too
        #expect(try one(huge, "sum(x)") == .null)  // 2e308 does not fit a double: null, as int overflow
        let cancel = session([1e16, 1, -1e16])
        #expect(try one(cancel, "sum(x)") == .float(1))
        #expect(try one(cancel, "sum(x)", by: " by g") == .float(1))
        let tenths = session(Array(repeating: 0.1, count: 10))
        #expect(try one(tenths, "sum(x)") == .float(1.0))  // plain addition gives 0.9999999999999999
        #expect(try one(session([-1e308, -1e308, 1e308]), "avg(x)") == .float(-1e308 / 3))
        #expect(try session([nil, 2]).query("events | where x > 5 | summarize v = avg(x)").values(of: "v") == [.null])
    }

    private func value(_ expr: String) throws -> Value {
        try Session().query(expr).values(of: "value")![0]
    }

    @Test func roundAndConversionsAtTheirEdges() throws {
        #expect(try value("round(1.5, 400)") == .float(1.5))  // more digits than a double holds: unchanged
        #expect(try value("round(1.5, -400)") == .float(0))
        #expect(try value("round(1e300, 10)") == .float(1e300))
        #expect(try value("round(2.5)") == .float(3))
        #expect(try value("round(-2.5)") == .float(-3))
        #expect(try value("round(1234, -2)") == .int(1200))
        #expect(try value("tofloat(\"nan\")") == .null)
        #expect(try value("tofloat(\"inf\")") == .null)
        #expect(try value("tofloat(\"-infinity\")") == .null)
        #expect(try value("tofloat(\"1e400\")") == .null)
        #expect(try value("bin(1e308, 1e-300)") == .null)
        #expect(try value("pow(10, 400)") == .null)
        #expect(try value("sqrt(-1)") == .null)
    }
}
