// Encoded sections (format 3): a section may hold its array transformed and compressed
// instead of as it lies. The transforms make the bytes compressible by a general-purpose
// codec: a float column of decimal numbers becomes integers, a sorted array its gaps, an
// array of small numbers its offset from the smallest, and bytes are grouped by their place
// in the element (all low bytes, then all second bytes...), so that the constant high bytes
// of small numbers are long runs. zstd then does the rest. FORMAT.md, "Encoded sections",
// says it in prose; a reader decodes a section on first use, into the heap.

import CZstd
import Foundation

/// How an encoded section's stored bytes become its array. Decoding undoes, in this order:
/// zstd, `shuffle`, `reference`, `delta`/`deltaLists`, `decimals`; for bytes, zstd, `front`.
struct SectionEncoding: Codable, Equatable, Sendable {
    /// `zstd`: the stored bytes are one zstd frame.
    var codec: String
    /// The decoded array's length in bytes.
    var length: UInt64
    /// For `f64`: the array held integers n (as `i64`) and each value is `Double(n) / 10^decimals`.
    var decimals: Int?
    /// Element k held `x[k] - x[k-1]` (wrapping; `x[-1]` = 0).
    var delta: Bool?
    /// The same, restarting at each list of the `u32` offsets section named (its offsets, decoded).
    var deltaLists: String?
    /// Every element held `x - reference` (wrapping, in the element's width; two's complement).
    var reference: Int64?
    /// The bytes were grouped by position in the element: byte 0 of every element, then byte 1...
    var shuffle: Bool?
    /// `u8` only (format 4): the bytes are values delimited by the `u64` offsets section named,
    /// sorted, and each was held as a varint count of leading bytes it shares with the value
    /// before it, then its other bytes (front coding: sorted texts share their starts).
    var front: String?

    static let zstd = "zstd"
}

/// The error of a section that cannot be decoded; the reader names file and section.
struct DecodeError: Error {
    let detail: String
}

enum SectionCodec {
    /// Bytes per element of a directory element type.
    static func width(_ element: String) -> Int? {
        switch element {
        case "u8", "bool": 1
        case "u32": 4
        case "u64", "i64", "f64": 8
        default: nil
        }
    }

    /// What the writer asks for a section: how to transform it before zstd.
    struct Plan {
        var delta = false
        /// The list offsets (rows per list restart the gaps), for CSR rows.
        var lists: (name: String, offsets: ColumnBuffer<UInt32>)? = nil
        /// Try decimals (f64 only).
        var decimals = false
        /// The offsets that delimit the values of a sorted text dictionary (u8 only): front-code them.
        var front: (name: String, offsets: ColumnBuffer<UInt64>)? = nil
        /// zstd's level: 6 for text (1 MB smaller than 3 on 90 MB of notes at 1 M rows, about
        /// 1 s more on one core), 1 for numbers (levels 2 and 3 came out larger on shuffled numbers).
        var level: Int32 = 1

        /// A sorted text dictionary's bytes, front-coded by `offsets` (the section `name`):
        /// zstd level 3 then makes them as small as level 6 made the plain bytes, in a third of
        /// the time (90 MB of notes at 1 M events: 22.8 MB in 0.57 s against 22.7 MB in 1.42 s).
        static func text(front name: String, _ offsets: ColumnBuffer<UInt64>) -> Plan {
            Plan(front: (name, offsets), level: 3)
        }
    }

    /// Stored bytes and their encoding, or nil when encoding does not pay (the section stays raw).
    static func encode(_ raw: UnsafeRawBufferPointer, element: String, plan: Plan) -> (bytes: [UInt8], encoding: SectionEncoding)? {
        guard let w = width(element), raw.count >= 64 else { return nil }
        var e = SectionEncoding(codec: SectionEncoding.zstd, length: UInt64(raw.count))
        var work: [UInt8] = []
        switch w {
        case 4: work = transform(raw, as: UInt32.self, element: element, plan: plan, &e)
        case 8: work = transform(raw, as: UInt64.self, element: element, plan: plan, &e)
        default:
            // Bytes go to zstd as they are, or front-coded.
            if element == "u8", let front = plan.front, let coded = frontCoded(raw, front.offsets) {
                work = coded
                e.front = front.name
            }
        }
        let source = w == 1 && e.front == nil ? raw : work.withUnsafeBytes { $0 }
        let bound = ZSTD_compressBound(source.count)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 64)
        defer { scratch.deallocate() }
        let n = withExtendedLifetime(work) { compress(source, into: scratch, bound, level: plan.level) }
        guard ZSTD_isError(n) == 0 else { return nil }
        // Worth a decode on first use only when it saves a sixth or more.
        guard n * 6 < raw.count * 5 else { return nil }
        return ([UInt8](UnsafeRawBufferPointer(start: scratch, count: n)), e)
    }

    /// One zstd frame of `source`. A large section (the text of a notes column, a hundred MB
    /// at 1 M events, at level 6) is compressed by zstd's own worker threads, one per core: on
    /// one core it took most of an ingest's write. The frame is the same kind either way
    /// (workers write its blocks), so readers decode it as before.
    private static func compress(_ source: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer, _ capacity: Int, level: Int32) -> Int {
        let threads = Parallel.threads
        guard threads > 1, source.count >= 16 << 20, let context = ZSTD_createCCtx() else {
            return ZSTD_compress(out, capacity, source.baseAddress, source.count, level)
        }
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        // Without multithreading in the library the call fails: compress on this thread then.
        if ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(threads))) != 0 {
            return ZSTD_compress(out, capacity, source.baseAddress, source.count, level)
        }
        ZSTD_CCtx_setPledgedSrcSize(context, UInt64(source.count))
        return ZSTD_compress2(context, out, capacity, source.baseAddress, source.count)
    }

    private static func transform<L: FixedWidthInteger & UnsignedInteger>(_ raw: UnsafeRawBufferPointer, as _: L.Type, element: String, plan: Plan,
                                                                         _ e: inout SectionEncoding) -> [UInt8] {
        let n = raw.count / MemoryLayout<L>.stride
        var x = [L](unsafeUninitializedCapacity: n) { buf, count in
            _ = UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<n * MemoryLayout<L>.stride]))
            count = n
        }
        if element == "f64", plan.decimals, let k = decimalPlaces(raw) {
            let p = powersOfTen[k]
            raw.withMemoryRebound(to: Double.self) { v in
                for i in 0..<n { x[i] = L(truncatingIfNeeded: UInt64(bitPattern: Int64((v[i] * p).rounded()))) }
            }
            e.decimals = k
        }
        x.withUnsafeMutableBufferPointer { x in
            if let lists = plan.lists {
                lists.offsets.withUnsafeBufferPointer { off in
                    for k in 0..<max(0, off.count - 1) {
                        let lo = Int(off[k]), hi = Int(off[k + 1])
                        var i = hi - 1
                        while i > lo {
                            x[i] = x[i] &- x[i - 1]
                            i -= 1
                        }
                    }
                }
                e.deltaLists = lists.name
            } else if plan.delta {
                var i = n - 1
                while i > 0 {
                    x[i] = x[i] &- x[i - 1]
                    i -= 1
                }
                e.delta = true
                }
            // The smallest element read as signed: ids (null is all ones), rows, offsets, gaps
            // and values then sit just above it (the null id, a negative gap or value).
            var reference: L = 0
            if n > 0 {
                var m = Int64.max
                for v in x { m = Swift.min(m, signExtended(v)) }
                reference = L(truncatingIfNeeded: m)
            }
            if reference != 0 {
                for i in 0..<n { x[i] = x[i] &- reference }
                e.reference = signExtended(reference)
            }
        }
        e.shuffle = true
        let w = MemoryLayout<L>.stride
        return [UInt8](unsafeUninitializedCapacity: n * w) { out, count in
            x.withUnsafeBufferPointer { x in
                // One pass over the elements, one output stream per byte place.
                for i in 0..<n {
                    let v = x[i]
                    for b in 0..<w { out[b * n + i] = UInt8(truncatingIfNeeded: v >> (8 * b)) }
                }
            }
            count = n * w
        }
    }

    private static func signExtended<L: FixedWidthInteger & UnsignedInteger>(_ v: L) -> Int64 {
        (Int64(truncatingIfNeeded: v) << (64 - L.bitWidth)) >> (64 - L.bitWidth)
    }

    static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    /// The fewest decimal places (up to 15) with which every value reads back bit for bit
    /// from an integer below 2^53; nil when there are none (NaN, -0, infinities, binary fractions).
    static func decimalPlaces(_ raw: UnsafeRawBufferPointer) -> Int? {
        raw.withMemoryRebound(to: Double.self) { v -> Int? in
            outer: for k in 0..<powersOfTen.count {
                let p = powersOfTen[k]
                for x in v {
                    let n = (x * p).rounded()
                    guard abs(n) < 9_007_199_254_740_992, (n / p).bitPattern == x.bitPattern else { continue outer }
                }
                return k
            }
            return nil
        }
    }

    /// Decodes `stored` into a fresh heap allocation of `encoding.length` bytes (aligned for any
    /// element). `lists` gives the offsets section a `deltaLists` encoding names, decoded.
    /// `offsets` gives the `u64` offsets section a `front` encoding names, decoded.
    static func decode(_ stored: UnsafeRawBufferPointer, element: String, encoding e: SectionEncoding,
                       lists: (String) throws(DecodeError) -> ColumnBuffer<UInt32>,
                       offsets: (String) throws(DecodeError) -> ColumnBuffer<UInt64> = { name throws(DecodeError) in
                           throw DecodeError(detail: "no offsets section '\(name)'")
                       }) throws(DecodeError) -> HeapAllocation {
        guard e.codec == SectionEncoding.zstd else { throw DecodeError(detail: "unknown codec '\(e.codec)'") }
        guard let w = width(element) else { throw DecodeError(detail: "unknown element '\(element)'") }
        guard e.length % UInt64(w) == 0, e.length < UInt64(Int.max / 2) else { throw DecodeError(detail: "decoded length \(e.length) is not a whole number of elements") }
        let length = Int(e.length)
        if let name = e.front {
            guard element == "u8" else { throw DecodeError(detail: "front coding of '\(element)' elements") }
            guard e.delta == nil, e.deltaLists == nil, e.decimals == nil, e.reference == nil, e.shuffle == nil else {
                throw DecodeError(detail: "a byte section with number transforms")
            }
            return try frontDecoded(stored, length: length, offsets: try offsets(name), name: name)
        }
        let frame = ZSTD_getFrameContentSize(stored.baseAddress, stored.count)
        guard frame == UInt64(length) else {
            throw DecodeError(detail: frame >= ZSTD_CONTENTSIZE_ERROR ? "not a zstd frame" : "the zstd frame holds \(frame) bytes where \(length) are expected")
        }
        let shuffled = e.shuffle == true && w > 1
        let out = HeapAllocation(byteCount: length)
        let target = shuffled ? UnsafeMutableRawPointer.allocate(byteCount: max(length, 1), alignment: 64) : out.pointer
        defer { if shuffled { target.deallocate() } }
        let n = ZSTD_decompress(target, length, stored.baseAddress, stored.count)
        guard ZSTD_isError(n) == 0 else { throw DecodeError(detail: "zstd: " + String(cString: ZSTD_getErrorName(n))) }
        guard n == length else { throw DecodeError(detail: "decodes to \(n) bytes where \(length) are expected") }
        if w == 1 {
            guard e.delta == nil, e.deltaLists == nil, e.decimals == nil, e.reference == nil else { throw DecodeError(detail: "a byte section with number transforms") }
            return out
        }
        let count = length / w
        if shuffled {
            let src = UnsafeRawPointer(target).assumingMemoryBound(to: UInt8.self)
            if w == 4 { unshuffle(src, into: out.pointer.bindMemory(to: UInt32.self, capacity: count), count) }
            else { unshuffle(src, into: out.pointer.bindMemory(to: UInt64.self, capacity: count), count) }
        }
        if w == 4 {
            try undo(out.pointer.bindMemory(to: UInt32.self, capacity: count), count, element: element, e, lists)
        } else {
            try undo(out.pointer.bindMemory(to: UInt64.self, capacity: count), count, element: element, e, lists)
        }
        return out
    }

    /// The values `offsets` delimits in `raw`, each as a varint of the bytes it shares with the
    /// value before (at their start) and then its other bytes; nil when the offsets do not
    /// delimit `raw` (then the bytes are compressed as they are).
    static func frontCoded(_ raw: UnsafeRawBufferPointer, _ offsets: ColumnBuffer<UInt64>) -> [UInt8]? {
        let m = offsets.count
        guard m > 0, offsets[0] == 0, offsets[m - 1] == UInt64(raw.count) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        let b = raw.bindMemory(to: UInt8.self)
        var previous = 0..<0
        for k in 0..<m - 1 {
            let lo = Int(offsets[k]), hi = Int(offsets[k + 1])
            guard lo <= hi else { return nil }
            var shared = 0
            let most = min(hi - lo, previous.count)
            while shared < most && b[lo + shared] == b[previous.lowerBound + shared] { shared += 1 }
            var v = shared
            while v >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[lo + shared..<hi]))
            previous = lo..<hi
        }
        return out
    }

    /// Undoes zstd, then front coding, into `length` bytes delimited by `offsets` (the section `name`).
    private static func frontDecoded(_ stored: UnsafeRawBufferPointer, length: Int, offsets: ColumnBuffer<UInt64>, name: String) throws(DecodeError) -> HeapAllocation {
        let m = offsets.count
        guard m > 0, offsets[0] == 0, offsets[m - 1] == UInt64(length) else {
            throw DecodeError(detail: "the offsets of '\(name)' do not span the \(length) bytes")
        }
        let frame = ZSTD_getFrameContentSize(stored.baseAddress, stored.count)
        // At most the bytes and a varint of up to ten bytes per value.
        guard frame < ZSTD_CONTENTSIZE_ERROR else { throw DecodeError(detail: "not a zstd frame") }
        guard frame <= UInt64(length) + 10 * UInt64(m) else { throw DecodeError(detail: "the zstd frame holds \(frame) bytes, more than \(m - 1) front-coded values of \(length) bytes can") }
        let coded = Int(frame)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(coded, 1), alignment: 64)
        defer { scratch.deallocate() }
        let n = ZSTD_decompress(scratch, coded, stored.baseAddress, stored.count)
        guard ZSTD_isError(n) == 0 else { throw DecodeError(detail: "zstd: " + String(cString: ZSTD_getErrorName(n))) }
        guard n == coded else { throw DecodeError(detail: "decodes to \(n) bytes where \(coded) are expected") }
        let out = HeapAllocation(byteCount: length)
        let c = scratch.assumingMemoryBound(to: UInt8.self), o = out.pointer.assumingMemoryBound(to: UInt8.self)
        var at = 0, previous = 0
        for k in 0..<m - 1 {
            let lo = Int(offsets[k]), hi = Int(offsets[k + 1])
            guard lo <= hi else { throw DecodeError(detail: "the offsets of '\(name)' go down at value \(k)") }
            var shared = 0, shift = 0
            while true {
                guard at < coded, shift < 63 else { throw DecodeError(detail: "value \(k) ends inside its shared length") }
                let byte = c[at]
                at += 1
                shared |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            guard shared <= hi - lo, shared <= lo - previous else { throw DecodeError(detail: "value \(k) shares \(shared) bytes, more than it or the value before holds") }
            let rest = hi - lo - shared
            guard rest <= coded - at else { throw DecodeError(detail: "value \(k) runs past the coded bytes") }
            if shared > 0 { (o + lo).update(from: o + previous, count: shared) }
            if rest > 0 { (o + lo + shared).initialize(from: c + at, count: rest) }
            at += rest
            previous = lo
        }
        guard at == coded else { throw DecodeError(detail: "\(coded - at) coded bytes are left after the last value") }
        return out
    }

    /// Gathers each element's bytes from their places' streams. One function per width with
    /// the streams as separate pointers: the generic loop over `w` streams was not specialised
    /// and took a third of a first query over a store (decoding a posting list).
    private static func unshuffle(_ src: UnsafePointer<UInt8>, into x: UnsafeMutablePointer<UInt32>, _ n: Int) {
        let s0 = src, s1 = src + n, s2 = src + 2 * n, s3 = src + 3 * n
        for i in 0..<n { x[i] = UInt32(s0[i]) | UInt32(s1[i]) << 8 | UInt32(s2[i]) << 16 | UInt32(s3[i]) << 24 }
    }

    private static func unshuffle(_ src: UnsafePointer<UInt8>, into x: UnsafeMutablePointer<UInt64>, _ n: Int) {
        let s0 = src, s1 = src + n, s2 = src + 2 * n, s3 = src + 3 * n
        let s4 = src + 4 * n, s5 = src + 5 * n, s6 = src + 6 * n, s7 = src + 7 * n
        for i in 0..<n {
            let low = UInt64(s0[i]) | UInt64(s1[i]) << 8 | UInt64(s2[i]) << 16 | UInt64(s3[i]) << 24
            let high = UInt64(s4[i]) | UInt64(s5[i]) << 8 | UInt64(s6[i]) << 16 | UInt64(s7[i]) << 24
            x[i] = low | high << 32
        }
    }

    private static func undo<L: FixedWidthInteger & UnsignedInteger>(_ x: UnsafeMutablePointer<L>, _ n: Int, element: String, _ e: SectionEncoding,
                                                                    _ lists: (String) throws(DecodeError) -> ColumnBuffer<UInt32>) throws(DecodeError) {
        if let r = e.reference {
            let reference = L(truncatingIfNeeded: r)
            for i in 0..<n { x[i] = x[i] &+ reference }
        }
        if let name = e.deltaLists {
            guard e.delta == nil else { throw DecodeError(detail: "both delta and deltaLists") }
            let offsets = try lists(name)
            let m = offsets.count
            guard m > 0, offsets[0] == 0, Int(offsets[m - 1]) == n else {
                throw DecodeError(detail: "the lists of '\(name)' do not span the \(n) elements")
            }
            for k in 0..<max(0, m - 1) {
                let lo = Int(offsets[k]), hi = Int(offsets[k + 1])
                guard lo <= hi, hi <= n else { throw DecodeError(detail: "list \(k) of '\(name)' lies outside the elements") }
                if hi - lo > 1 { for i in lo + 1..<hi { x[i] = x[i] &+ x[i - 1] } }
            }
        } else if e.delta == true, n > 1 {
            for i in 1..<n { x[i] = x[i] &+ x[i - 1] }
        }
        if let k = e.decimals {
            guard element == "f64", L.bitWidth == 64, powersOfTen.indices.contains(k) else { throw DecodeError(detail: "decimals \(k) for element '\(element)'") }
            let p = powersOfTen[k]
            let raw = UnsafeMutableRawPointer(x)
            for i in 0..<n {
                let v = Double(Int64(truncatingIfNeeded: UInt64(truncatingIfNeeded: x[i]))) / p
                raw.storeBytes(of: v, toByteOffset: i * 8, as: Double.self)
            }
        }
    }
}
