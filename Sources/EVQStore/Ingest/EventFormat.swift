// The event exports evq knows by name: how to recognise each from its first line, the column
// names of the header-less ones, the types its columns must have, and which of its columns
// fill evq's canonical columns. Reading itself stays with CSVReader.

/// A named export layout, detected from content or stated with `--input-format`.
public enum EventFormat: String, CaseIterable, Sendable {
    /// GDELT 1.0 events: tab-separated, no header, 57 fields (back files) or 58 (daily files).
    case gdelt1 = "gdelt1-events"
    /// GDELT 2.0 events ("export" files): tab-separated, no header, 61 fields.
    case gdelt2 = "gdelt2-events"
    /// GDELT 2.0 mentions: tab-separated, no header, 16 fields.
    case gdeltMentions = "gdelt2-mentions"
    /// UCDP GED, global or country release (`id, …, side_a, side_b, …, date_start, …, best`).
    case ucdp = "ucdp-ged"
    /// ACLED's export (`event_id_cnty, event_date, event_type, sub_event_type, actor1, …`).
    case acled
    /// ICEWS event files: tab-separated with a header (`Event ID, Event Date, Source Name, …`).
    case icews

    /// evq's columns, added to every named format so that one saved query runs on any of them.
    public static let canonicalColumns: [(name: String, type: DataType)] = [
        ("date", .time), ("type", .string), ("subtype", .string), ("actor1", .string), ("actor2", .string),
        ("country", .string), ("location", .string), ("lat", .float), ("lon", .float), ("fatalities", .int),
        ("notes", .string), ("source", .string),
    ]

    /// Column names for the header-less formats, in field order; nil for formats with a header.
    public var columnNames: [String]? {
        switch self {
        case .gdelt1: GDELTSchema.events1
        case .gdelt2: GDELTSchema.events2
        case .gdeltMentions: GDELTSchema.mentions
        case .ucdp, .acled, .icews: nil
        }
    }

    /// Rows may have this many fields or more (GDELT 1.0 back files lack SOURCEURL).
    var minimumFields: Int? { self == .gdelt1 ? 57 : nil }

    var delimiter: UInt8? {
        switch self {
        case .gdelt1, .gdelt2, .gdeltMentions, .icews: 0x09
        case .ucdp, .acled: nil
        }
    }

    /// Types the columns must have whatever their values look like: codes stay text even when
    /// a file holds only `10`–`20`, and compact dates are times.
    var forcedTypes: [String: DataType] {
        switch self {
        case .gdelt1, .gdelt2:
            var types: [String: DataType] = ["SQLDATE": .time, "DATEADDED": .time, "GLOBALEVENTID": .int]
            for name in columnNames! where name.hasSuffix("Code") { types[name] = .string }
            return types
        case .gdeltMentions: return ["GLOBALEVENTID": .int, "EventTimeDate": .time, "MentionTimeDate": .time]
        case .ucdp: return ["date_start": .time, "date_end": .time]
        case .acled: return ["event_date": .time, "iso": .string]
        case .icews: return ["Event Date": .time, "CAMEO Code": .string]
        }
    }

    /// The column that orders the rows.
    var timeColumn: String {
        switch self {
        case .gdelt1, .gdelt2: "SQLDATE"
        case .gdeltMentions: "MentionTimeDate"
        case .ucdp: "date_start"
        case .acled: "event_date"
        case .icews: "Event Date"
        }
    }

    /// Which column fills each canonical column (absent: the format has no such thing, null).
    /// A format's own column of a canonical name (ACLED's `actor1`) is kept as it is.
    public var canonicalSources: [String: String] {
        switch self {
        case .gdelt1, .gdelt2:
            [
                "date": "SQLDATE", "type": "EventRootCode", "subtype": "EventCode", "actor1": "Actor1Name",
                "actor2": "Actor2Name", "country": "ActionGeo_CountryCode", "location": "ActionGeo_FullName",
                "lat": "ActionGeo_Lat", "lon": "ActionGeo_Long", "source": "SOURCEURL",
            ]
        case .gdeltMentions:
            ["date": "MentionTimeDate", "source": "MentionSourceName", "notes": "MentionIdentifier"]
        case .ucdp:
            [
                "date": "date_start", "type": "type_of_violence", "actor1": "side_a", "actor2": "side_b",
                "location": "where_coordinates", "lat": "latitude", "lon": "longitude", "fatalities": "best",
                "notes": "source_headline", "source": "source_office",
            ]
        case .acled:
            ["date": "event_date", "type": "event_type", "subtype": "sub_event_type", "lat": "latitude", "lon": "longitude"]
        case .icews:
            [
                "date": "Event Date", "type": "Event Text", "subtype": "CAMEO Code", "actor1": "Source Name",
                "actor2": "Target Name", "country": "Country", "location": "City", "lat": "Latitude",
                "lon": "Longitude", "source": "Publisher",
            ]
        }
    }

    /// Codes whose canonical value is a label: GDELT's root codes, UCDP's type of violence.
    public var canonicalLabels: [String: [String: String]] {
        switch self {
        case .gdelt1, .gdelt2: ["type": GDELTSchema.rootCodeLabels]
        case .ucdp: ["type": ["1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"]]
        default: [:]
        }
    }

    /// The format of a file from its first line (header or first row), or nil for a plain table.
    static func detect(firstLine fields: [String], delimiter: UInt8) -> EventFormat? {
        func isDigits(_ s: String, count: Int? = nil) -> Bool {
            !s.isEmpty && s.utf8.allSatisfy { $0 &- 0x30 < 10 } && (count == nil || s.utf8.count == count)
        }
        if delimiter == 0x09, fields.count >= 16, isDigits(fields[0]) {
            switch fields.count {
            case 57 where isDigits(fields[1], count: 8), 58 where isDigits(fields[1], count: 8): return .gdelt1
            case 61 where isDigits(fields[1], count: 8): return .gdelt2
            case 16 where isDigits(fields[1], count: 14) && isDigits(fields[2], count: 14): return .gdeltMentions
            default: return nil
            }
        }
        let names = Set(fields)
        if names.isSuperset(of: ["side_a", "side_b", "date_start", "type_of_violence", "best"]) { return .ucdp }
        if names.isSuperset(of: ["event_date", "event_type", "sub_event_type", "actor1", "fatalities"]) { return .acled }
        if names.isSuperset(of: ["Event ID", "Event Date", "Source Name", "Target Name", "CAMEO Code"]) { return .icews }
        return nil
    }
}
