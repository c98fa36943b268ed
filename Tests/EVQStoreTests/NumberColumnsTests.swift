// Columns whose texts look unique and numeric are read as numbers (`NumberCells`): the
// table must be exactly the one reading every cell as text gives, including the columns
// that turn out not to be numbers after all (the load then reads them again as text).
import Foundation
import Testing
@testable import EVQStore

@Suite struct NumberColumnsTests {
    static let rows = 70_000

    /// Unique numbers of several kinds; some columns meet a text only late (rows 30,000+),
    /// after every part has turned them into numbers.
    static func csv() -> String {
        var rng = SeededGenerator(seed: 31)
        var text = "id,date,lat,mixed,big,late,code,bigmix,spaced,signed,later,fewer\n"
        for i in 0..<rows {
            let lat = rng.next() % 50 == 0 ? "" : String(format: "%.5f", Double(rng.next() % 18_000_000) / 100_000 - 90)
            // Ints, then fractions from row 30,000 (an int column that becomes float); a `-0`.
            let mixed = i == 12_345 ? "-0" : i < 30_000 ? "\(i * 7 - 100_000)" : "\(i).25"
            let big = "\(9_007_199_254_740_993 + Int64(i) * 3)"  // beyond 2^53: int only
            let late = i == 50_000 ? "n/a" : "+\(i)"  // text at the end: every cell as written
            let code = i == 65_000 ? "007" : "\(i + 1_000)"
            let bigmix = i == 45_000 ? "1.5" : "\(9_007_199_254_740_993 + Int64(i))"  // no exact float
            let spaced = " \(i)\t"
            let signed = i % 3 == 0 ? "-\(i)" : "\(i)"
            // Numbers only from row 40,000: the first parts hold too few texts to turn (they
            // join as text), the later ones turn.
            let later = i < 40_000 ? (i % 1_000 == 0 ? "\(i)" : "") : "\(i * 2)"
            // Numbers until row 60,000, then a few: the last part joins as text.
            let fewer = i < 60_000 || i % 100 == 0 ? "\(i)" : ""
            text += "\(rows - i),2020-01-\(10 + i % 20),\(lat),\(mixed),\(big),\(late),\(code),\(bigmix),\(spaced),\(signed),\(later),\(fewer)\n"
        }
        return text
    }

    static func options(partBytes: Int?, numbers: Bool) -> IngestOptions {
        var options = IngestOptions()
        options.partBytes = partBytes
        options.keepsNumbers = numbers
        return options
    }

    /// One pass, and parts of about 20,000 rows (each turns its columns into numbers at 16,384).
    @Test(arguments: [nil, 2_000_000])
    func numberColumnsAreTheColumnsOfTexts(partBytes: Int?) throws {
        let text = Self.csv()
        let asText = try load(text, options: Self.options(partBytes: partBytes, numbers: false))
        let asNumbers = try load(text, options: Self.options(partBytes: partBytes, numbers: true))
        ParallelIngestTests.expectSame(asText, asNumbers, "parts of \(partBytes.map(String.init) ?? "all") bytes")
        let t = asNumbers.table
        let types = Dictionary(uniqueKeysWithValues: t.schema.map { ($0.name, $0.type) })
        #expect(types == ["id": .int, "date": .time, "lat": .float, "mixed": .float, "big": .int, "late": .string,
                          "code": .string, "bigmix": .string, "spaced": .int, "signed": .int, "later": .int, "fewer": .int])
        // Equal Values do not tell -0.0 from 0.0.
        let mixed = try #require(t.column(named: "mixed"))
        let negativeZero = (0..<t.rowCount).filter { if case .float(let d) = mixed.value(at: $0) { d == 0 && d.sign == .minus } else { false } }
        #expect(negativeZero.count == 1)
        #expect(t.values("late").contains(.string("+17")) && t.values("code").contains(.string("007")))
    }

    /// An ingest that writes segments spills its chunks with their number columns: each
    /// segment is the one reading every cell as text gives (chunks of 25,000 rows cut parts
    /// in two; some chunks' columns turn into numbers and others do not).
    @Test(arguments: [nil, 2_000_000])
    func segmentsOfNumberColumnsAreThoseOfTexts(partBytes: Int?) throws {
        let dir = try temporaryFiles(["n.csv": Self.csv()])
        let path = dir.appendingPathComponent("n.csv").path
        func segments(numbers: Bool) throws -> [Table] {
            var out: [Table] = []
            let output = SegmentOutput(rows: 25_000, spillDirectory: NSTemporaryDirectory()) { (t) throws(StoreError) in out.append(t) }
            _ = try Ingest.load(paths: [path], tableName: "t", options: Self.options(partBytes: partBytes, numbers: numbers), segments: output)
            return out
        }
        let asText = try segments(numbers: false), asNumbers = try segments(numbers: true)
        #expect(asText.map(\.rowCount) == [25_000, 25_000, 20_000] && asNumbers.map(\.rowCount) == asText.map(\.rowCount))
        for (k, (a, b)) in zip(asText, asNumbers).enumerated() {
            #expect(a.schema.map(\.name) == b.schema.map(\.name) && a.schema.map(\.type) == b.schema.map(\.type), "segment \(k)")
            for (name, _) in a.schema { #expect(a.values(name) == b.values(name), "segment \(k), column \(name)") }
        }
        #expect(asNumbers[0].type(of: "late") == .string && asNumbers[0].type(of: "mixed") == .float)
    }

    /// A part's column turns into numbers once its texts look unique, and stays text when
    /// they repeat, are not numbers, or the column is forced or a time column by name.
    @Test func onlyUniqueNumericInferredColumnsTurnIntoNumbers() {
        var table = TableAccumulator(forcedTypes: ["forced": .int])
        let names = ["id", "few", "word", "forced", "date"]
        let columns = names.map { table.column(named: $0) }
        for i in 0..<20_000 {
            let cells = ["\(i)", "\(i % 10)", "w\(i)", "\(i)", "\(i)"]
            for (k, cell) in cells.enumerated() {
                _ = Array(cell.utf8).withUnsafeBufferPointer { table.set(columns[k], $0) }
            }
            table.endRow()
        }
        #expect(table.columns.map { $0.numbers != nil } == [true, false, false, false, false])
        #expect(table.columns[0].numbers?.values.count == 20_000 && table.columns[0].ids.count == 20_000)
        #expect(table.numbersFailed.isEmpty)
        _ = Array("x".utf8).withUnsafeBufferPointer { table.set(columns[0], $0) }
        table.endRow()
        #expect(table.numbersFailed == ["id"])
    }
}
