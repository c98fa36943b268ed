// Grid cells over latitude and longitude, so that `near()` and `distance(lat, lon, …) <= r`
// read the rows of the cells a circle touches instead of every row. The grid only finds
// cells; the engine checks each row of a cell on the circle's edge exactly (GeoSelection.swift).

import Foundation
import Synchronization

/// The sphere every distance is measured on.
public enum Earth {
    /// The mean Earth radius (IUGG), in kilometres: `distance()`, `near()` and the grid use it.
    public static let radiusKilometres = 6_371.0088

    /// Haversine distance in kilometres. The one formula: the engine's kernels repeat these
    /// operations in this order, so every path gives the same bits.
    @inlinable
    public static func kilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = radiusKilometres
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = (lat2 - lat1) * .pi / 180, dl = (lon2 - lon1) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * asin(min(1, a.squareRoot()))
    }
}

/// The columns of a table that hold coordinates, found by name: `lat` or `latitude`, and
/// `lon`, `lng`, `long` or `longitude` (any case), of a number type.
public enum CoordinateColumns {
    public static let latitudeNames = ["lat", "latitude"]
    public static let longitudeNames = ["lon", "lng", "long", "longitude"]

    /// Indexes of the latitude and longitude among `fields`, or nil when either is missing.
    public static func find(_ fields: [(name: String, type: DataType)]) -> (lat: Int, lon: Int)? {
        func first(_ names: [String]) -> Int? {
            for n in names {
                if let i = fields.firstIndex(where: { $0.name.lowercased() == n && $0.type.isNumeric }) { return i }
            }
            return nil
        }
        guard let lat = first(latitudeNames), let lon = first(longitudeNames) else { return nil }
        return (lat, lon)
    }
}

/// The grid: square cells of `cellDegrees` over the whole globe, numbered row-major from the
/// south-west corner (row = ⌊(lat + 90) / size⌋, column = ⌊(lon + 180) / size⌋). Fine cells
/// (about 1 km) keep the rows a circle's edge crosses few; only nonempty cells are stored.
public enum GeoGrid {
    public static let cellDegrees = 0.01
    public static let rows = 18_000, columns = 36_000

    @inline(__always)
    static func row(_ lat: Double) -> Int { min(rows - 1, Int((lat + 90) / cellDegrees)) }
    @inline(__always)
    static func column(_ lon: Double) -> Int { min(columns - 1, Int((lon + 180) / cellDegrees)) }

    /// A valid coordinate: latitude in [-90, 90], longitude in [-180, 180] (false for NaN).
    @inline(__always)
    static func isValid(_ lat: Double, _ lon: Double) -> Bool { lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 }

    /// The id of the cell holding a valid coordinate; `stray` for any other.
    @inline(__always)
    static func cell(_ lat: Double, _ lon: Double) -> UInt32 {
        isValid(lat, lon) ? UInt32(row(lat) * columns + column(lon)) : stray
    }

    /// The bucket of rows whose coordinates are out of range or NaN: every query checks them.
    public static let stray = UInt32.max
}

/// Row ids grouped by grid cell in compressed-sparse-row form, as the posting lists are, over
/// the nonempty cells only: `cells` ascending (the stray bucket, if any, last), and the rows of
/// `cells[k]` are `rows[offsets[k] ..< offsets[k + 1]]`, ascending. Rows with a null
/// coordinate are in no bucket (a comparison with null is false). Three flat buffers, mapped
/// from a store file as they lie (FORMAT.md, `geo`).
public struct GeoIndex: Sendable {
    /// The table columns the index covers.
    public let latitudeColumn: Int, longitudeColumn: Int
    public let cells: ColumnBuffer<UInt32>
    public let offsets: ColumnBuffer<UInt32>
    public let rows: ColumnBuffer<UInt32>

    /// Buffers already laid out (a mapped segment).
    public init(latitudeColumn: Int, longitudeColumn: Int, cells: ColumnBuffer<UInt32>, offsets: ColumnBuffer<UInt32>, rows: ColumnBuffer<UInt32>) {
        self.latitudeColumn = latitudeColumn
        self.longitudeColumn = longitudeColumn
        self.cells = cells
        self.offsets = offsets
        self.rows = rows
    }

    /// A stable two-pass radix sort of (cell, row) on the cell id's halves: linear in the rows,
    /// and each cell's rows stay ascending.
    public init(latitudes: ColumnBuffer<Double>, longitudes: ColumnBuffer<Double>,
                nulls: (ColumnBuffer<Bool>?, ColumnBuffer<Bool>?), columns: (lat: Int, lon: Int)) {
        var keys = ContiguousArray<UInt32>(), ids = ContiguousArray<UInt32>()
        keys.reserveCapacity(latitudes.count)
        ids.reserveCapacity(latitudes.count)
        for r in 0..<latitudes.count where nulls.0?[r] != true && nulls.1?[r] != true {
            keys.append(GeoGrid.cell(latitudes[r], longitudes[r]))
            ids.append(UInt32(r))
        }
        var tmpKeys = keys, tmpIds = ids
        for shift: UInt32 in [0, 16] {
            var counts = [Int](repeating: 0, count: 65_537)
            for k in keys { counts[Int((k >> shift) & 0xFFFF) + 1] += 1 }
            for i in 0..<65_536 { counts[i + 1] += counts[i] }
            for (k, id) in zip(keys, ids) {
                let b = Int((k >> shift) & 0xFFFF)
                tmpKeys[counts[b]] = k
                tmpIds[counts[b]] = id
                counts[b] += 1
            }
            swap(&keys, &tmpKeys)
            swap(&ids, &tmpIds)
        }
        var cells = ContiguousArray<UInt32>(), offsets = ContiguousArray<UInt32>()
        for (i, k) in keys.enumerated() where i == 0 || keys[i - 1] != k {
            cells.append(k)
            offsets.append(UInt32(i))
        }
        offsets.append(UInt32(keys.count))
        self.init(latitudeColumn: columns.lat, longitudeColumn: columns.lon, cells: ColumnBuffer(cells), offsets: ColumnBuffer(offsets), rows: ColumnBuffer(ids))
    }

    public func rowCount(inBucket k: Int) -> Int { Int(offsets[k + 1] - offsets[k]) }

    public func rows(inBucket k: Int) -> ColumnBuffer<UInt32> { rows.view(Int(offsets[k])..<Int(offsets[k + 1])) }

    /// The first bucket whose cell id is not below `cell`.
    private func firstBucket(notBelow cell: UInt32) -> Int {
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid] < cell { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The buckets that may hold a point within `kilometres` of (`lat`, `lon`), the stray
    /// bucket included, each marked `inside` when every point of its cell is within the
    /// distance for certain, so its rows need no check. Nil when the grid cannot help: a
    /// latitude off the globe, or a distance that is NaN, infinite or negative.
    public func buckets(near lat: Double, _ lon: Double, within kilometres: Double) -> [(bucket: Int, inside: Bool)]? {
        guard lat >= -90, lat <= 90, lon.isFinite, kilometres >= 0, !kilometres.isInfinite else { return nil }
        let circle = GeoCircle(lat: lat, lon: lon, kilometres: kilometres)
        let size = GeoGrid.cellDegrees
        var out: [(bucket: Int, inside: Bool)] = []
        let south = max(-90, lat - circle.degrees - 1e-9), north = min(90, lat + circle.degrees + 1e-9)
        for gr in GeoGrid.row(south)...GeoGrid.row(north) {
            let s = Double(gr) * size - 90, n = min(90, s + size)
            let reach = circle.candidateHalfWidth(s, n), inner = circle.insideHalfWidth(s, n)
            for range in circle.columnRanges(reach) {
                let base = UInt32(gr * GeoGrid.columns)
                var k = firstBucket(notBelow: base + UInt32(range.lowerBound))
                let last = base + UInt32(range.upperBound)
                while k < cells.count, cells[k] <= last {
                    let gc = Int(cells[k]) - gr * GeoGrid.columns
                    out.append((k, circle.columnInside(gc, inner)))
                    k += 1
                }
            }
        }
        if let last = cells.last, last == GeoGrid.stray { out.append((cells.count - 1, false)) }
        return out
    }
}

/// A circle on the sphere, as the grid sees it: for a band of latitudes, how far east and west
/// of the centre (in degrees of longitude) its points can reach, and how far every point is
/// certainly inside. Along a parallel the distance grows with the longitude gap, and along a
/// meridian it has one minimum and no maximum within a cell while the circle is small, so a
/// cell's farthest point is a corner.
struct GeoCircle {
    let lat: Double, lon: Double
    /// The centre's longitude in [-180, 180).
    let home: Double
    /// The radius in degrees of arc.
    let degrees: Double
    /// sin²(angle / 2) of the radius, widened and narrowed by a margin far above rounding error.
    let outer: Double, innerLimit: Double?
    let containsPole: Bool

    init(lat: Double, lon: Double, kilometres: Double) {
        self.lat = lat
        self.lon = lon
        home = lon - 360 * ((lon + 180) / 360).rounded(.down)
        let angle = kilometres / Earth.radiusKilometres
        degrees = angle * 180 / .pi
        func halfChord(_ a: Double) -> Double { let x = sin(min(a, .pi) / 2); return x * x }
        outer = halfChord(angle * (1 + 1e-9) + 1e-12)
        // Corners decide only while the circle is small (5,000 km).
        innerLimit = kilometres <= 5_000 ? halfChord(max(0, angle * (1 - 1e-9) - 1e-12)) : nil
        containsPole = lat + degrees >= 90 - 1e-9 || lat - degrees <= -90 + 1e-9 || angle >= .pi / 2
    }

    /// Degrees of longitude either side of the centre within `limit` at latitude `phi`: nil
    /// when no point of that latitude is, 180 when all are.
    private func halfWidth(_ phi: Double, _ limit: Double) -> Double? {
        let d = sin((phi - lat) * .pi / 360)
        let room = limit - d * d
        guard room >= 0 else { return nil }
        let across = cos(phi * .pi / 180) * cos(lat * .pi / 180)
        guard across > 0 else { return 180 }
        let x = room / across
        return x >= 1 ? 180 : 2 * asin(x.squareRoot()) * 180 / .pi
    }

    /// How far the circle reaches within the band [s, n]: the widest of its edges and of the
    /// latitude where the circle is widest, when the band holds it.
    func candidateHalfWidth(_ s: Double, _ n: Double) -> Double {
        if containsPole { return 180 }
        let lo = max(s, lat - degrees), hi = min(n, lat + degrees)
        var widest = max(halfWidth(lo, outer) ?? 0, halfWidth(hi, outer) ?? 0)
        let t = sin(lat * .pi / 180) / cos(degrees * .pi / 180)
        if abs(t) < 1 {
            let widestLatitude = asin(t) * 180 / .pi
            if widestLatitude > lo && widestLatitude < hi { widest = max(widest, halfWidth(widestLatitude, outer) ?? 0) }
        }
        return min(180, widest * (1 + 1e-9) + 1e-9)
    }

    /// How far every point of the band [s, n] is inside the circle; nil when none is certain.
    func insideHalfWidth(_ s: Double, _ n: Double) -> Double? {
        guard let innerLimit, let a = halfWidth(s, innerLimit), let b = halfWidth(n, innerLimit) else { return nil }
        let w = min(a, b) * (1 - 1e-9) - 1e-9
        return w > 0 && w < 179 ? w : nil
    }

    /// The grid columns within `reach` degrees of the centre's longitude: one or two ranges
    /// (two when they cross the antimeridian).
    func columnRanges(_ reach: Double) -> [ClosedRange<Int>] {
        if reach >= 180 { return [0...(GeoGrid.columns - 1)] }
        let west = home - reach, east = home + reach
        if west < -180 { return [GeoGrid.column(west + 360)...(GeoGrid.columns - 1), 0...GeoGrid.column(east)] }
        if east > 180 { return [GeoGrid.column(west)...(GeoGrid.columns - 1), 0...GeoGrid.column(east - 360)] }
        return [GeoGrid.column(west)...GeoGrid.column(east)]
    }

    /// Whether grid column `gc` lies within `inner` degrees of the centre's longitude.
    func columnInside(_ gc: Int, _ inner: Double?) -> Bool {
        guard let inner else { return false }
        var w = Double(gc) * GeoGrid.cellDegrees - 180 - home
        if w < -180 { w += 360 } else if w >= 180 { w -= 360 }
        let e = w + GeoGrid.cellDegrees
        return w >= -inner && e <= inner
    }
}

/// A table's grid over its coordinate columns, built on first use (or by `prepareIndexes`).
public final class LazyGeoIndex: Sendable {
    private let cache: Mutex<GeoIndex??>
    private let stored: LoadOnce<GeoIndex>?
    /// The stored grid's latitude and longitude columns.
    private let storedColumns: Set<Int>

    /// `stored`: a grid read from a store, used instead of building one.
    public init(_ stored: GeoIndex? = nil) {
        cache = Mutex(stored.map { .some($0) })
        self.stored = nil
        storedColumns = []
    }

    /// A grid a store file holds over `columns`, read on first use.
    init(stored load: @escaping StoredLoad<GeoIndex>, columns: (Int, Int)) {
        cache = Mutex(nil)
        stored = LoadOnce(load)
        storedColumns = [columns.0, columns.1]
    }

    /// The grid if it was built (or read) already; nil also when the table has none.
    public var ifBuilt: GeoIndex? { stored?.value ?? cache.withLock { $0 ?? nil } }

    /// Reads the stored grid now, reporting damage, when `columns` (nil: all) hold either of its columns.
    /// Whether reading `columns` (nil: all) may read the stored grid: it covers either of them.
    func isRead(by columns: Set<Int>?) -> Bool {
        columns.map { !$0.isDisjoint(with: storedColumns) } ?? true
    }

    func loadStored(ifReading columns: Set<Int>?) throws(StoreError) {
        guard isRead(by: columns) else { return }
        _ = try stored?.get()
    }

    /// Nil when the table has no float latitude and longitude columns.
    public func get(_ columns: [Column]) -> GeoIndex? {
        if let stored { return stored.value }
        return cache.withLock { slot in
            if let built = slot { return built }
            var built: GeoIndex? = nil
            if let (la, lo) = CoordinateColumns.find(columns.map { ($0.name, $0.type) }),
               case .float(let lats) = columns[la].data, case .float(let lons) = columns[lo].data {
                built = GeoIndex(latitudes: lats, longitudes: lons, nulls: (columns[la].isNull, columns[lo].isNull), columns: (la, lo))
            }
            slot = .some(built)
            return built
        }
    }
}
