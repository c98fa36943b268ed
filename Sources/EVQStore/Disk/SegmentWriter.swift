// Writes one immutable, time-sorted table as a segment file: every column buffer and every
// index (posting lists, word index, key index) as a checksummed, aligned section.

import Foundation

enum SegmentWriter {
    /// Writes `table` to the new file `path` and fsyncs it; returns its statistics. On any
    /// error the partial file is removed.
    static func write(_ table: Table, to path: String) throws(StoreError) -> SegmentStats {
        table.prepareIndexes()
        var w = try FileWriter(creating: path)
        do {
            var sections: [SegmentDirectory.SectionEntry] = []
            try w.write([UInt8](repeating: 0, count: SegmentFormat.headerSize))
            func section<T>(_ name: String, _ element: String, _ buffer: ColumnBuffer<T>) throws(StoreError) -> String {
                try w.pad(to: SegmentFormat.alignment)
                let offset = w.offset
                let written = buffer.withUnsafeBytes { raw in
                    Result { () throws(StoreError) -> UInt32 in
                        try w.write(raw)
                        return CRC32C.of(raw)
                    }
                }
                let crc = try written.get()
                sections.append(.init(name: name, element: element, offset: UInt64(offset), length: UInt64(w.offset - offset), crc32c: crc))
                return name
            }
            func dictionary(_ d: StringDictionary, _ column: String, _ part: String, into parts: inout [String: String]) throws(StoreError) {
                parts[part + "offsets"] = try section(column + part + "offsets", "u64", d.offsets)
                parts[part + "bytes"] = try section(column + part + "bytes", "u8", d.bytes)
            }
            var columns: [SegmentDirectory.ColumnEntry] = []
            for (i, c) in table.columns.enumerated() {
                let p = "c\(i)."
                var parts: [String: String] = [:]
                switch c.data {
                case .bool(let v): parts["values"] = try section(p + "values", "bool", v)
                case .float(let v): parts["values"] = try section(p + "values", "f64", v)
                case .int(let v):
                    parts["values"] = try section(p + "values", "i64", v)
                    if let key = c.builtKeyIndex {
                        parts["key.values"] = try section(p + "key.values", "i64", key.values)
                        parts["key.rows"] = try section(p + "key.rows", "u32", key.rows)
                    }
                case .string(let s):
                    parts["ids"] = try section(p + "ids", "u32", s.ids)
                    try dictionary(s.dictionary, p, "dict.", into: &parts)
                    let postings = s.postings
                    parts["postings.offsets"] = try section(p + "postings.offsets", "u32", postings.offsets)
                    parts["postings.rows"] = try section(p + "postings.rows", "u32", postings.rows)
                    let words = s.wordIndex
                    try dictionary(words.words, p, "words.", into: &parts)
                    parts["words.idOffsets"] = try section(p + "words.idOffsets", "u32", words.idOffsets)
                    parts["words.ids"] = try section(p + "words.ids", "u32", words.ids)
                case .boxed:
                    throw StoreError.unsupported("column '\(c.name)' holds lists, which a store cannot hold yet")
                }
                if let mask = c.isNull { parts["nulls"] = try section(p + "nulls", "bool", mask) }
                columns.append(.init(name: c.name, type: c.type.rawValue, parts: parts))
            }
            var geo: SegmentDirectory.GeoEntry? = nil
            if let g = table.geoIndex {
                geo = .init(latitude: g.latitudeColumn, longitude: g.longitudeColumn, parts: [
                    "cells": try section("geo.cells", "u32", g.cells),
                    "offsets": try section("geo.offsets", "u32", g.offsets),
                    "rows": try section("geo.rows", "u32", g.rows),
                ])
            }
            let stats = SegmentStats(table)
            let directory = SegmentDirectory(table: table.name, rows: table.rowCount, timeColumn: table.timeColumnIndex,
                                             columns: columns, sections: sections, stats: stats, geo: geo)
            let json: [UInt8]
            do { json = Array(try Self.encoder.encode(directory)) } catch {
                throw StoreError.io(path: path, message: "cannot encode the segment directory: \(error)")
            }
            try w.pad(to: 8)
            let directoryOffset = w.offset
            try w.write(json)
            let header = SegmentHeader(version: UInt32(SegmentFormat.version), byteOrder: SegmentFormat.byteOrderMark,
                                       directoryOffset: UInt64(directoryOffset), directoryLength: UInt64(json.count),
                                       directoryCRC: CRC32C.of(json), sectionCount: UInt32(sections.count), fileLength: UInt64(w.offset))
            try w.seekAndWrite(header.encoded(), at: 0)
            try w.durable()
            return stats
        } catch let error as StoreError {
            w.abandon()
            throw error
        } catch {
            w.abandon()
            throw StoreError.io(path: path, message: "\(error)")
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

extension SegmentStats {
    /// Counts nulls and finds the range of each column (one pass per column).
    init(_ table: Table) {
        var minTime: Int64? = nil, maxTime: Int64? = nil
        var columns: [ColumnStats] = []
        for (i, c) in table.columns.enumerated() {
            var s = ColumnStats(name: c.name, nulls: c.isNull.map { m in m.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? 0)
            switch c.data {
            case .int(let v):
                for r in 0..<v.count where !c.isNull(r) {
                    s.minInt = Swift.min(s.minInt ?? v[r], v[r])
                    s.maxInt = Swift.max(s.maxInt ?? v[r], v[r])
                }
                if i == table.timeColumnIndex { (minTime, maxTime) = (s.minInt, s.maxInt) }
            case .float(let v):
                for r in 0..<v.count where !c.isNull(r) && !v[r].isNaN {
                    s.minFloat = Swift.min(s.minFloat ?? v[r], v[r])
                    s.maxFloat = Swift.max(s.maxFloat ?? v[r], v[r])
                }
            case .string(let str): s.distinct = str.dictionary.count
            case .bool, .boxed: break
            }
            columns.append(s)
        }
        self.init(rows: table.rowCount, minTime: minTime, maxTime: maxTime, columns: columns)
    }
}
