// Reads the rows of one CSV file in parts on all cores, then joins the parts in file order,
// so that the table, the issues and the counts are those of one pass. A part starts after
// a guessed row end (a line feed); a guess inside a quoted field is found when the parts are
// joined (the part before did not end there) and that part is read again from where the
// part before it really ended.

extension CSVReader {
    /// Bytes per part unless told otherwise: two parts per core, at least 4 MB (a smaller
    /// file is read in one pass: the join would cost more than the cores save), at most
    /// `spillPartBytes` (a part's columns then fit the memory the part before freed).
    static func defaultPartBytes(fileBytes: Int) -> Int {
        let threads = Parallel.threads
        guard threads > 1 else { return fileBytes + 1 }
        return min(spillPartBytes, max(4 << 20, fileBytes / (2 * threads) + 1))
    }

    /// The offsets where the parts begin: `first`, then the byte after the first line feed at
    /// or past each multiple of `bytesPerPart`.
    static func partStarts(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int, bytesPerPart: Int) -> [Int] {
        var starts = [first]
        let n = bytes.count
        var target = first + max(1, bytesPerPart)
        while target < n {
            var p = target - 1
            while p < n && bytes[p] != 0x0A { p += 1 }
            guard p + 1 < n else { break }
            starts.append(p + 1)
            target = max(p + 1, target) + bytesPerPart
        }
        return starts
    }

    /// Bytes per part when an ingest writes segments (`TableAccumulator.spill`): parts are
    /// read a few per core at a time, so memory holds those and the chunk being filled, not
    /// the whole file's rows.
    static let spillPartBytes = 16 << 20

    /// Reads the rows from each of `starts` up to the next on separate cores, then appends the
    /// parts to `table` and `log` in order. A part whose first row is not where the part
    /// before ended is read again from there (after the others, on one core). With
    /// `window`, at most that many parts are read (and held) at a time.
    func readParts(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, header: Header, starts: [Int],
        into table: inout TableAccumulator, log: inout IssueLog, window: Int? = nil
    ) -> Counts {
        let limits = Array(starts.dropFirst()) + [bytes.count]
        let emptyTable = TableAccumulator(shapedLike: table)
        let emptyLog = log.emptyCopy()
        func read(from start: Int, line: Int?, limit: Int) -> (TableAccumulator, IssueLog, RowsRead) {
            var t = emptyTable
            var l = emptyLog
            let rows = readRows(bytes, file: file, header: header, from: start, line: line, limit: limit, into: &t, log: &l)
            return (t, l, rows)
        }
        var counts = Counts()
        var exit = starts[0]
        let size = max(1, window ?? starts.count)
        var first = 0
        reading: while first < starts.count {
            let ks = first..<min(starts.count, first + size)
            var parts = Parallel.map(ks.count) { j in
                let k = ks.lowerBound + j
                return read(from: starts[k], line: k == 0 ? header.rowsLine : nil, limit: limits[k])
            }
            for j in parts.indices {
                let k = ks.lowerBound + j
                var part = parts[j]
                // Held only by `part` from here on, so that the accumulator that adopts or joins
                // its buffers does not copy them (copy on write) when it appends to them.
                parts[j] = (emptyTable, emptyLog, RowsRead())
                if k > 0 && part.2.entry != exit {
                    // The part before ran past this part's start (a quoted line feed, or an
                    // unterminated quote): read from where it stopped, unless it took all of this part.
                    if exit >= limits[k] { continue }
                    part = read(from: exit, line: nil, limit: limits[k])
                }
                let readTo = limits[k] - starts[0], all = bytes.count - starts[0]
                table.append(part.0, share: all > 0 ? Double(readTo) / Double(all) : 1, bytesLeft: bytes.count - limits[k])
                log.append(part.1)
                counts.rowsRead += part.2.counts.rowsRead
                counts.rowsRejected += part.2.counts.rowsRejected
                exit = part.2.exit
                // A number column met a text: the load starts again (`Ingest.load`).
                if log.stopped || !table.numbersFailed.isEmpty { break reading }
            }
            first = ks.upperBound
        }
        LoadTrace.mark("join parts")
        return counts
    }
}
