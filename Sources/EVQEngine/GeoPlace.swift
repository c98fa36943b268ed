// Resolves a place name for `near("Place", radius)` through the store's own located events:
// the rows whose `location` is the name (ignoring case) give the point, as the median latitude
// and the median longitude of those with coordinates. An unknown name lists close names; a
// name whose events lie far apart (two towns of one name) is ambiguous and says where.

import EVQStore
import EVQSyntax
import Foundation

enum GeoPlace {
    /// A place is ambiguous when more than this share of its located events lies farther than
    /// `spreadKilometres` from the median point.
    static let ambiguousShare = 0.1
    static let spreadKilometres = 100.0

    /// `segments`: the table's rows, whole or as the segments of a stored table (one schema).
    static func resolve(_ name: String, in segments: [Table], at span: Span) throws(Diagnostic) -> (lat: Double, lon: Double) {
        let table = segments[0]
        guard let li = table.columns.firstIndex(where: { $0.name.lowercased() == "location" }),
              case .string = table.columns[li].data
        else {
            throw Diagnostic("'\(table.name)' has no location column to find '\(name)' in", at: span,
                             hint: "give coordinates: near(33.31, 44.37, 50km)")
        }
        guard let (la, lo) = CoordinateColumns.find(table.schema) else {
            throw Diagnostic("'\(table.name)' has no latitude and longitude columns to place '\(name)'", at: span)
        }
        let wanted = name.lowercased()
        var points: [(lat: Double, lon: Double)] = []
        var events = 0, named = false
        for segment in segments {
            guard case .string(let locations) = segment.columns[li].data else { continue }
            let dictionary = locations.dictionary
            let ids = dictionary.values.indices.filter { dictionary.values[$0].lowercased() == wanted }
            named = named || !ids.isEmpty
            let lats = segment.columns[la], lons = segment.columns[lo]
            for id in ids {
                for r in locations.postings.rows(of: UInt32(id)) {
                    events += 1
                    guard let y = lats.value(at: Int(r)).asDouble, let x = lons.value(at: Int(r)).asDouble, y.isFinite, x.isFinite else { continue }
                    points.append((y, x))
                }
            }
        }
        guard named else {
            // Close names from the largest segment: the one most likely to hold them.
            let largest = segments.max { $0.rowCount < $1.rowCount }!
            guard case .string(let locations) = largest.columns[li].data else { throw Diagnostic("no location is named '\(name)'", at: span) }
            throw Diagnostic("no location is named '\(name)'", at: span, hint: closeNames(wanted, locations))
        }
        guard !points.isEmpty else {
            throw Diagnostic("'\(name)' has no located events (its \(events) event\(events == 1 ? " has" : "s have") no coordinates)", at: span,
                             hint: "give coordinates: near(LAT, LON, 50km)")
        }
        let point = (lat: median(points.map(\.lat)), lon: median(points.map(\.lon)))
        let far = points.filter { Earth.kilometres($0.lat, $0.lon, point.lat, point.lon) > spreadKilometres }
        if Double(far.count) > ambiguousShare * Double(points.count) {
            // Name the two places: the event farthest from the median, and the one farthest from it.
            func farthest(from p: (lat: Double, lon: Double)) -> (lat: Double, lon: Double) {
                points.max { Earth.kilometres($0.lat, $0.lon, p.lat, p.lon) < Earth.kilometres($1.lat, $1.lon, p.lat, p.lon) }!
            }
            let a = farthest(from: point), b = farthest(from: a)
            let km = Int(Earth.kilometres(a.lat, a.lon, b.lat, b.lon).rounded())
            throw Diagnostic("'\(name)' is ambiguous: \(far.count) of its \(points.count) located events lie more than \(Int(spreadKilometres)) km from their median point",
                             at: span, hint: "it names places \(km) km apart, at (\(degrees(a.lat)), \(degrees(a.lon))) and (\(degrees(b.lat)), \(degrees(b.lon))): "
                                 + "give coordinates, for example near(\(degrees(a.lat)), \(degrees(a.lon)), 50km)")
        }
        return point
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Up to five locations that start with the name, contain it as a word, or are a few edits
    /// from it, the most frequent first, with their event counts.
    static func closeNames(_ wanted: String, _ locations: StringColumn) -> String? {
        var found: [(name: String, rank: Int, events: Int)] = []
        for (id, value) in locations.dictionary.values.enumerated() {
            let lower = value.lowercased()
            let rank: Int
            if lower.hasPrefix(wanted) {
                rank = 0
            } else if lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains(where: { $0 == wanted }) {
                rank = 1
            } else if abs(lower.count - wanted.count) <= 3, Suggest.distance(wanted, lower) <= max(2, min(wanted.count, lower.count) / 3) {
                rank = 2
            } else {
                continue
            }
            found.append((value, rank, locations.postings.count(of: UInt32(id))))
        }
        guard !found.isEmpty else { return "give coordinates instead: near(LAT, LON, 50km)" }
        found.sort { ($0.rank, -$0.events, $0.name) < ($1.rank, -$1.events, $1.name) }
        let shown = found.prefix(5).map { "'\($0.name)' (\($0.events) event\($0.events == 1 ? "" : "s"))" }
        return "close names: " + shown.joined(separator: ", ") + (found.count > 5 ? ", ..." : "")
    }

    /// Degrees as written back to the user: at most four decimals, no trailing zeros.
    static func degrees(_ d: Double) -> String {
        var text = String(format: "%.4f", d)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
