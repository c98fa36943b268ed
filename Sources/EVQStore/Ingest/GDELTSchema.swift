// GDELT's column names (from the GDELT 1.0 and 2.0 event codebooks and the 2.0 mentions
// codebook) and the labels of the 20 CAMEO root codes, for files that carry no header.

enum GDELTSchema {
    static let events2: [String] = actorAndEventColumns(adm2: true) + ["DATEADDED", "SOURCEURL"]

    /// 58 names; back-file rows have 57 fields and no SOURCEURL.
    static let events1: [String] = actorAndEventColumns(adm2: false) + ["DATEADDED", "SOURCEURL"]

    static let mentions = [
        "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
        "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
        "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
    ]

    /// GLOBALEVENTID … ActionGeo_FeatureID; GDELT 2.0 adds an ADM2 code to each geography.
    private static func actorAndEventColumns(adm2: Bool) -> [String] {
        let actor = [
            "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
            "Type1Code", "Type2Code", "Type3Code",
        ]
        let geo = ["Type", "FullName", "CountryCode", "ADM1Code"] + (adm2 ? ["ADM2Code"] : []) + ["Lat", "Long", "FeatureID"]
        return ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
            + actor.map { "Actor1" + $0 } + actor.map { "Actor2" + $0 }
            + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
               "NumMentions", "NumSources", "NumArticles", "AvgTone"]
            + ["Actor1Geo_", "Actor2Geo_", "ActionGeo_"].flatMap { prefix in geo.map { prefix + $0 } }
    }

    /// CAMEO root event codes (CAMEO.eventcodes.txt), in the case of the codebook's event names.
    static let rootCodeLabels: [String: String] = [
        "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
        "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation", "07": "Provide aid",
        "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
        "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
        "19": "Fight", "20": "Use unconventional mass violence",
    ]
}
