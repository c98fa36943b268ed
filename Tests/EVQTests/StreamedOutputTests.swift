// csv, tsv, json and jsonl are written in pieces of rows: the pieces joined are exactly the
// rendered text, and a sink that says stop gets no further piece.

import EVQ
import Testing

@Suite struct StreamedOutputTests {
    static func table(rows: Int) -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn("id", (0..<rows).map { .int(Int64($0)) })
        b.addColumn("note", (0..<rows).map { $0 % 3 == 0 ? .null : .string("a, \"b\"\t\($0)") })
        return b.build()
    }

    @Test(arguments: [OutputFormat.csv, .tsv, .json, .jsonl])
    func piecesJoinToTheRenderedText(_ format: OutputFormat) {
        for rows in [0, 1, 10_000] {
            let t = Self.table(rows: rows)
            var pieces: [String] = []
            let finished = Renderer.stream(t, as: format) { pieces.append($0); return true }
            #expect(finished)
            #expect(pieces.joined() == Renderer.render(t, as: format), "\(format) over \(rows) rows")
            // 10,000 rows in pieces of 4,096: three pieces (the header rides with the first);
            // jsonl of no rows is no text at all.
            let expected = rows == 10_000 ? 3 : (rows == 0 && format == .jsonl ? 0 : 1)
            #expect(pieces.count == expected, "\(format) over \(rows) rows")
        }
    }

    @Test func aSinkThatSaysStopGetsNothingMore() {
        var pieces = 0
        let finished = Renderer.stream(Self.table(rows: 10_000), as: .csv) { _ in pieces += 1; return false }
        #expect(!finished)
        #expect(pieces == 1)
    }

    @Test func alignedFormatsAreOnePiece() {
        var pieces: [String] = []
        Renderer.stream(Self.table(rows: 10_000), as: .table) { pieces.append($0); return true }
        #expect(pieces.count == 1)
        #expect(!Renderer.streams(.table) && !Renderer.streams(.box) && Renderer.streams(.jsonl))
    }
}
