// libFuzzer target: any text through the whole pipeline (lex, parse, check, plan, run) over a
// small table. A crash, a trap or a hang (libFuzzer's -timeout) is a bug; errors are fine.
// Built and run by Tests/Fuzz/run.sh, not by `swift build`.

import EVQ

private let session: Session = {
    var b = TableBuilder(name: "events")
    let notes = ["drone strike near Tyre", "shelling\nnear Nabatieh", "", "ÉTAT islamique 🙂", "aaaaaaaaaaaaaaaaaaaaaaaa!"]
    b.addColumn("id", (0..<5).map { .string("e\($0)") })
    b.addColumn("date", (0..<5).map { .time(1_730_000_000 + Int64($0) * 86_400) })
    b.addColumn("actor1", ["Hezbollah", "IDF", "Hezbollah", "IRGC", "Houthis"].map(Value.string))
    b.addColumn("fatalities", [.int(3), .null, .int(0), .int(12), .int(-1)])
    b.addColumn("score", [.float(1.5), .float(-0.0), .null, .float(1e308), .float(2)])
    b.addColumn("notes", notes.map(Value.string))
    let s = Session(tables: [b.build(timeColumn: "date")])
    s.limits = QueryLimits(seconds: 2, memoryBytes: 2 << 30)
    return s
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func queryFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        try session.run(text, name: "fuzz") { outcome in
            // Render every result in every format: the output code is part of the pipeline.
            if case .rows(let r, let plan) = outcome {
                for format in OutputFormat.allCases { _ = Renderer.render(r.table, as: format) }
                _ = plan?.explain()
            }
        }
    } catch {
        _ = error.render()
    }
    return 0
}
