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

/// Where the grid lies: square cells of `cellDegrees`, numbered on the whole globe from the
/// south-west corner (row = ⌊(lat + 90) / size⌋, column = ⌊(lon + 180) / size⌋); the index
/// keeps only the rectangle of cells its rows fall in. Plain numbers: a header on disk.
public struct GeoGrid: Sendable, Equatable {
    public let cellDegrees: Double
    /// The first global cell row and column the index holds.
    public let firstRow: Int, firstColumn: Int
    public let rows: Int, columns: Int

    /// Cell sizes tried, finest first; each divides 180 and 360.
    static let sizes: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10]

    var globalRows: Int { Int((180 / cellDegrees).rounded()) }
    var globalColumns: Int { Int((360 / cellDegrees).rounded()) }
    public var cellCount: Int { rows * columns }

    func globalRow(_ lat: Double) -> Int { min(globalRows - 1, Int((lat + 90) / cellDegrees)) }
    func globalColumn(_ lon: Double) -> Int { min(globalColumns - 1, Int((lon + 180) / cellDegrees)) }

    /// A valid coordinate: finite, latitude in [-90, 90], longitude in [-180, 180].
    @inline(__always)
    static func isValid(_ lat: Double, _ lon: Double) -> Bool { lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 }
}

/// Row ids grouped by grid cell, in compressed-sparse-row form as the posting lists are: the
/// rows of local cell `c` (row-major: `c = row * columns + column`) are
/// `rows[offsets[c] ..< offsets[c + 1]]`, ascending. One more bucket after the last cell holds
/// the rows whose coordinates are out of range or NaN: every query checks them. Rows with a
/// null coordinate are in no bucket (a comparison with null is false).
public struct GeoIndex: Sendable {
    public let grid: GeoGrid
    /// The table columns the index covers.
    public let latitudeColumn: Int, longitudeColumn: Int
    public let offsets: ContiguousArray<UInt32>
    public let rows: ContiguousArray<UInt32>

    /// Counting sort of the rows by cell: two passes over the coordinates. The cell size is
    /// the finest that keeps the grid within max(4096, rows / 2) cells.
    public init(latitudes: ContiguousArray<Double>, longitudes: ContiguousArray<Double>,
                nulls: (ContiguousArray<Bool>?, ContiguousArray<Bool>?), columns: (lat: Int, lon: Int)) {
        let n = latitudes.count
        @inline(__always) func present(_ r: Int) -> Bool { nulls.0?[r] != true && nulls.1?[r] != true }
        var south = Double.infinity, north = -Double.infinity, west = Double.infinity, east = -Double.infinity
        for r in 0..<n where present(r) && GeoGrid.isValid(latitudes[r], longitudes[r]) {
            south = min(south, latitudes[r]); north = max(north, latitudes[r])
            west = min(west, longitudes[r]); east = max(east, longitudes[r])
        }
        if south > north { (south, north, west, east) = (0, 0, 0, 0) }
        let budget = max(4096, n / 2)
        var grid = GeoGrid(cellDegrees: 10, firstRow: 0, firstColumn: 0, rows: 1, columns: 1)
        for size in GeoGrid.sizes {
            let g = GeoGrid(cellDegrees: size, firstRow: 0, firstColumn: 0, rows: 1, columns: 1)
            let r0 = g.globalRow(south), r1 = g.globalRow(north), c0 = g.globalColumn(west), c1 = g.globalColumn(east)
            grid = GeoGrid(cellDegrees: size, firstRow: r0, firstColumn: c0, rows: r1 - r0 + 1, columns: c1 - c0 + 1)
            if grid.cellCount <= budget { break }
        }
        let strays = grid.cellCount
        var cellOf = ContiguousArray<UInt32>(repeating: UInt32.max, count: n)
        var counts = ContiguousArray<UInt32>(repeating: 0, count: strays + 2)
        for r in 0..<n where present(r) {
            let lat = latitudes[r], lon = longitudes[r]
            let cell = GeoGrid.isValid(lat, lon)
                ? (grid.globalRow(lat) - grid.firstRow) * grid.columns + grid.globalColumn(lon) - grid.firstColumn : strays
            cellOf[r] = UInt32(cell)
            counts[cell + 1] += 1
        }
        for c in 0...strays { counts[c + 1] += counts[c] }
        var next = counts
        var rows = ContiguousArray<UInt32>(repeating: 0, count: Int(counts[strays + 1]))
        for r in 0..<n where cellOf[r] != UInt32.max {
            let c = Int(cellOf[r])
            rows[Int(next[c])] = UInt32(r)
            next[c] += 1
        }
        self.grid = grid
        self.latitudeColumn = columns.lat
        self.longitudeColumn = columns.lon
        self.offsets = counts
        self.rows = rows
    }

    /// The bucket of rows with coordinates out of range or NaN.
    public var strayBucket: Int { grid.cellCount }

    public func rowCount(inBucket c: Int) -> Int { Int(offsets[c + 1] - offsets[c]) }

    public func rows(inBucket c: Int) -> ArraySlice<UInt32> { ArraySlice(rows[Int(offsets[c])..<Int(offsets[c + 1])]) }

    /// The buckets that may hold a point within `kilometres` of (`lat`, `lon`) (nonempty
    /// ones only, the stray bucket included), each marked `inside` when every point of the
    /// cell is within the distance for certain, so its rows need no check. Nil when the
    /// grid cannot help: a latitude off the globe, or a distance that is NaN or negative.
    public func buckets(near lat: Double, _ lon: Double, within kilometres: Double) -> [(bucket: Int, inside: Bool)]? {
        guard lat >= -90, lat <= 90, lon.isFinite, kilometres >= 0, !kilometres.isInfinite else { return nil }
        let g = grid
        let angle = kilometres / Earth.radiusKilometres  // radians
        let degrees = angle * 180 / .pi
        let margin = 1e-9
        // The latitude band; a band reaching a pole takes every longitude.
        let south = max(-90, lat - degrees - margin), north = min(90, lat + degrees + margin)
        var columnRanges: [ClosedRange<Int>] = []
        let home = lon - 360 * ((lon + 180) / 360).rounded(.down)  // in [-180, 180)
        let ratio = sin(min(angle, .pi / 2)) / cos(lat * .pi / 180)
        if angle >= .pi / 2 || lat + degrees >= 90 || lat - degrees <= -90 || !(ratio < 1) {
            columnRanges = [0...(g.globalColumns - 1)]
        } else {
            let half = asin(ratio) * 180 / .pi * (1 + 1e-9) + margin
            let west = home - half, east = home + half
            if west < -180 {
                columnRanges = [g.globalColumn(west + 360)...(g.globalColumns - 1), 0...g.globalColumn(east)]
            } else if east > 180 {
                columnRanges = [g.globalColumn(west)...(g.globalColumns - 1), 0...g.globalColumn(east - 360)]
            } else {
                columnRanges = [g.globalColumn(west)...g.globalColumn(east)]
            }
        }
        let rowRange = max(g.firstRow, g.globalRow(south))...min(g.firstRow + g.rows - 1, g.globalRow(north))
        // Corners decide `inside` only while the circle is small: then along a parallel the
        // distance grows with the longitude gap, and along a meridian it has no maximum inside
        // a cell, so the farthest point of a cell is a corner.
        let cornersDecide = kilometres <= 5_000
        let safeLimit = kilometres * (1 - 1e-9) - 1e-9
        var out: [(bucket: Int, inside: Bool)] = []
        if !rowRange.isEmpty {
            for gr in rowRange {
                for range in columnRanges {
                    let cols = max(g.firstColumn, range.lowerBound)...min(g.firstColumn + g.columns - 1, range.upperBound)
                    if cols.isEmpty { continue }
                    for gc in cols {
                        let bucket = (gr - g.firstRow) * g.columns + gc - g.firstColumn
                        guard rowCount(inBucket: bucket) > 0 else { continue }
                        out.append((bucket, cornersDecide && cellInside(gr, gc, lat, lon, home, safeLimit)))
                    }
                }
            }
        }
        if rowCount(inBucket: strayBucket) > 0 { out.append((strayBucket, false)) }
        return out
    }

    /// Whether every point of global cell (`gr`, `gc`) lies within `limit` km of the point.
    private func cellInside(_ gr: Int, _ gc: Int, _ lat: Double, _ lon: Double, _ home: Double, _ limit: Double) -> Bool {
        let size = grid.cellDegrees
        let s = Double(gr) * size - 90, n = min(90, s + size)
        let w = Double(gc) * size - 180, e = w + size
        // The cell's longitudes seen from the point must not reach the opposite meridian.
        var dw = w - home, de = e - home
        if dw < -180 { dw += 360; de += 360 }
        if de > 180 { dw -= 360; de -= 360 }
        guard dw >= -180 + 1e-6, de <= 180 - 1e-6 else { return false }
        let lonW = lon + dw, lonE = lon + de
        return Earth.kilometres(s, lonW, lat, lon) <= limit && Earth.kilometres(s, lonE, lat, lon) <= limit
            && Earth.kilometres(n, lonW, lat, lon) <= limit && Earth.kilometres(n, lonE, lat, lon) <= limit
    }
}

/// A table's grid over its coordinate columns, built on first use (or by `prepareIndexes`).
public final class LazyGeoIndex: Sendable {
    private let cache = Mutex<GeoIndex??>(nil)

    public init() {}

    /// Nil when the table has no float latitude and longitude columns.
    public func get(_ columns: [Column]) -> GeoIndex? {
        cache.withLock { slot in
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
