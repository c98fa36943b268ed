// `evq ingest` as a library call: read files into a store table segment by segment (memory
// bounded by a few segments and the distinct texts) and commit them together, or leave the
// store as it was when anything fails or the load is cancelled.

extension StoreWriter {
    /// Rows per segment unless told otherwise: about a million.
    public static let defaultSegmentRows = 1 << 20

    /// Loads `paths` into the table `name` as new segments of `segmentRows` rows, then
    /// commits them in one manifest change. `onSegment(rowsBefore, rows)` is told before each
    /// segment is written.
    ///
    ///     let (result, commit) = try StoreWriter(path: "syria.evq").ingest(paths: ["ged.csv"], table: "events")
    public func ingest(
        paths: [String], table name: String, options: IngestOptions = .init(), segmentRows: Int = defaultSegmentRows,
        onSegment: @escaping (_ rowsBefore: Int, _ rows: Int) -> Void = { _, _ in }
    ) throws(IngestError) -> (result: IngestResult, commit: Commit) {
        let append: Append
        do { append = try beginAppend(to: name) } catch { throw .output(error) }
        var rows = 0
        let output = SegmentOutput(rows: segmentRows, spillDirectory: path) { (segment) throws(StoreError) in
            onSegment(rows, segment.rowCount)
            try append.add(segment)
            rows += segment.rowCount
        }
        do throws(IngestError) {
            let result = try Ingest.load(paths: paths, tableName: name, options: options, segments: output)
            if options.isCancelled?() == true { throw .cancelled }
            do { return (result, try append.commit()) } catch { throw .output(error) }
        } catch {
            append.abandon()
            throw error
        }
    }
}
