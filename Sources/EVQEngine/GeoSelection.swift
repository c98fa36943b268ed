// Answers `distance(lat, lon, LAT, LON) <= R` (and so `near()`) from the table's grid cells
// (GeoIndex.swift): the rows of cells wholly inside the circle are taken as they are, the rows
// of cells on its edge are checked exactly with the filter's own test, the rest never read.

import EVQStore

struct GeoSelection {
    /// The matching rows, ascending, exactly those the filter would keep.
    var rows: [UInt32]
    /// Nonempty cells read, and how many of them needed no check.
    var cells: Int
    var insideCells: Int

    /// Nil when the condition is not a distance bound the table's grid covers.
    static func select(_ c: TypedExpr, _ table: Table) -> GeoSelection? {
        guard let test = DistanceWithin.match(c, table), let index = table.geoIndex,
              index.latitudeColumn == test.latitudeColumn, index.longitudeColumn == test.longitudeColumn,
              case .float(let lats) = table.columns[test.latitudeColumn].data,
              case .float(let lons) = table.columns[test.longitudeColumn].data,
              let buckets = index.buckets(near: test.lat, test.lon, within: test.limit)
        else { return nil }
        var selection = GeoSelection(rows: [], cells: buckets.count, insideCells: 0)
        var found: [UInt32] = []
        var bucketsHit = 0
        for (bucket, inside) in buckets {
            let before = found.count
            if inside {
                found.append(contentsOf: index.rows(inBucket: bucket))
                selection.insideCells += 1
            } else {
                for r in index.rows(inBucket: bucket) where test.holds(lats[Int(r)], lons[Int(r)]) { found.append(r) }
            }
            if found.count > before { bucketsHit += 1 }
        }
        // Each bucket is ascending; with one bucket (or none) that is the order already.
        selection.rows = bucketsHit <= 1 ? found : RowLists.sortedDistinct(found, below: table.rowCount)
        return selection
    }
}
