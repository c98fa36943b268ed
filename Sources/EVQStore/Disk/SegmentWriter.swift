// Writes one immutable, time-sorted table as a segment file: every column buffer and every
// index (posting lists, word index, key index) as a checksummed, aligned section.

import Foundation

enum SegmentWriter {
    /// Writes `table` to the new file `path` and fsyncs it; returns its statistics. On any
    /// error the partial file is removed.
    /// `format` below 3 writes what that format's writer wrote (every section raw, every posting
    /// list), for the tests of older files.
    static func write(_ table: Table, to path: String, format: Int = SegmentFormat.version) throws(StoreError) -> SegmentStats {
        table.prepareIndexes()
        var w = try FileWriter(creating: path)
        do {
            var sections: [SegmentDirectory.SectionEntry] = []
            try w.write([UInt8](repeating: 0, count: SegmentFormat.headerSize))
            // Every section is listed first, then encoded on all cores, then written in order.
            var pending: [(name: String, element: String, bytes: UnsafeRawBufferPointer, plan: SectionCodec.Plan)] = []
            var keep: [Any] = []
            func section<T>(_ name: String, _ element: String, _ buffer: ColumnBuffer<T>, _ plan: SectionCodec.Plan = .init()) -> String {
                keep.append(buffer)
                pending.append((name, element, buffer.withUnsafeBytes { $0 }, plan))
                return name
            }
            let delta = SectionCodec.Plan(delta: true)
            func lists(_ name: String, _ offsets: ColumnBuffer<UInt32>) -> SectionCodec.Plan { .init(lists: (name, offsets)) }
            func dictionary(_ d: StringDictionary, _ column: String, _ part: String, into parts: inout [String: String]) {
                let offsets = section(column + part + "offsets", "u64", d.offsets, delta)
                parts[part + "offsets"] = offsets
                let text = format < 4 ? SectionCodec.Plan(level: 6) : .text(front: offsets, d.offsets)
                parts[part + "bytes"] = section(column + part + "bytes", "u8", d.bytes, text)
            }
            var columns: [SegmentDirectory.ColumnEntry] = []
            for (i, c) in table.columns.enumerated() {
                let p = "c\(i)."
                var parts: [String: String] = [:]
                switch c.data {
                case .bool(let v): parts["values"] = section(p + "values", "bool", v)
                case .float(let v): parts["values"] = section(p + "values", "f64", v, .init(decimals: true))
                case .int(let v):
                    parts["values"] = section(p + "values", "i64", v, i == table.timeColumnIndex ? delta : .init())
                    if let key = c.builtKeyIndex {
                        parts["key.values"] = section(p + "key.values", "i64", key.values, delta)
                        parts["key.rows"] = section(p + "key.rows", "u32", key.rows)
                    }
                case .string(let s):
                    parts["ids"] = section(p + "ids", "u32", s.ids)
                    dictionary(s.dictionary, p, "dict.", into: &parts)
                    if s.postingsPayOff || format < 3 {
                        let postings = s.postings
                        parts["postings.offsets"] = section(p + "postings.offsets", "u32", postings.offsets, delta)
                        parts["postings.rows"] = section(p + "postings.rows", "u32", postings.rows, lists(p + "postings.offsets", postings.offsets))
                    }
                    let words = s.wordIndex
                    dictionary(words.words, p, "words.", into: &parts)
                    parts["words.idOffsets"] = section(p + "words.idOffsets", "u32", words.idOffsets, delta)
                    parts["words.ids"] = section(p + "words.ids", "u32", words.ids, lists(p + "words.idOffsets", words.idOffsets))
                case .boxed:
                    throw StoreError.unsupported("column '\(c.name)' holds lists, which a store cannot hold yet")
                }
                if let mask = c.isNull { parts["nulls"] = section(p + "nulls", "bool", mask) }
                columns.append(.init(name: c.name, type: c.type.rawValue, parts: parts))
            }
            var geo: SegmentDirectory.GeoEntry? = nil
            if let g = table.geoIndex {
                geo = .init(latitude: g.latitudeColumn, longitude: g.longitudeColumn, parts: [
                    "cells": section("geo.cells", "u32", g.cells, delta),
                    "offsets": section("geo.offsets", "u32", g.offsets, delta),
                    "rows": section("geo.rows", "u32", g.rows, lists("geo.offsets", g.offsets)),
                ])
            }
            let work = UncheckedSendable(pending)
            let encoded = LoadTrace.timed("encode sections") { Parallel.map(pending.count) { k in
                let s = work.value[k]
                return format < 3 ? nil : SectionCodec.encode(s.bytes, element: s.element, plan: s.plan)
            } }
            for (k, s) in pending.enumerated() {
                try w.pad(to: SegmentFormat.alignment)
                let offset = w.offset
                if let (bytes, encoding) = encoded[k] {
                    try w.write(bytes)
                    sections.append(.init(name: s.name, element: s.element, offset: UInt64(offset), length: UInt64(bytes.count),
                                          crc32c: CRC32C.of(bytes), encoding: encoding))
                } else {
                    try w.write(s.bytes)
                    sections.append(.init(name: s.name, element: s.element, offset: UInt64(offset), length: UInt64(s.bytes.count),
                                          crc32c: CRC32C.of(s.bytes)))
                }
            }
            withExtendedLifetime(keep) {}
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
            let header = SegmentHeader(version: UInt32(format), byteOrder: SegmentFormat.byteOrderMark,
                                       directoryOffset: UInt64(directoryOffset), directoryLength: UInt64(json.count),
                                       directoryCRC: CRC32C.of(json), sectionCount: UInt32(sections.count), fileLength: UInt64(w.offset))
            try w.seekAndWrite(header.encoded(), at: 0)
            try LoadTrace.timed("fsync segment") { () throws(StoreError) in try w.durable() }
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
