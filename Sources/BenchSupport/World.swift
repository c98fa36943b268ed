// The generated world the events happen in: countries with centres, admin1 units, places
// clustered around them, ACLED-style event types, Zipf-ranked actors, a note vocabulary and a
// calendar with bursts. Built from the seed alone, so the queries can name real values without
// reading the CSV (and a cached CSV stays valid).

import EVQ
import Foundation

package struct Country { var name: String; var lat: Double; var lon: Double; var spread: Double }
package struct Place { var name: String; var country: Int; var admin1: String; var lat: Double; var lon: Double }
package struct Subtype { var type: String; var name: String; var weight: Double; var violent: Bool }

package enum Vocabulary {
    /// Twenty countries with rough centres and a spread (degrees) for their admin1 units.
    package static let countries: [Country] = [
        Country(name: "Syria", lat: 35.0, lon: 38.5, spread: 1.6), Country(name: "Ukraine", lat: 48.4, lon: 31.2, spread: 3.0),
        Country(name: "Yemen", lat: 15.5, lon: 47.5, spread: 1.8), Country(name: "Iraq", lat: 33.2, lon: 43.7, spread: 2.0),
        Country(name: "Nigeria", lat: 9.1, lon: 8.7, spread: 3.0), Country(name: "Sudan", lat: 15.0, lon: 30.2, spread: 3.0),
        Country(name: "Myanmar", lat: 21.9, lon: 95.9, spread: 2.5), Country(name: "Somalia", lat: 5.2, lon: 46.2, spread: 2.5),
        Country(name: "Afghanistan", lat: 34.0, lon: 66.0, spread: 2.5), Country(name: "Mali", lat: 17.6, lon: -4.0, spread: 3.0),
        Country(name: "Burkina Faso", lat: 12.2, lon: -1.6, spread: 1.5), Country(name: "Ethiopia", lat: 9.1, lon: 40.5, spread: 3.0),
        Country(name: "Pakistan", lat: 30.4, lon: 69.3, spread: 3.0), Country(name: "Libya", lat: 27.0, lon: 17.2, spread: 3.0),
        Country(name: "South Sudan", lat: 7.9, lon: 30.0, spread: 2.0), Country(name: "Lebanon", lat: 33.9, lon: 35.9, spread: 0.3),
        Country(name: "Palestine", lat: 31.9, lon: 35.2, spread: 0.2), Country(name: "Israel", lat: 31.0, lon: 34.9, spread: 0.4),
        Country(name: "Turkey", lat: 39.0, lon: 35.2, spread: 3.0), Country(name: "Iran", lat: 32.4, lon: 53.7, spread: 3.0),
    ]

    /// ACLED's event types and sub-event types, weighted roughly like a conflict-heavy export.
    package static let subtypes: [Subtype] = [
        ("Battles", "Armed clash", 22, true), ("Battles", "Government regains territory", 2, true),
        ("Battles", "Non-state actor overtakes territory", 1.5, true),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack", 12, true),
        ("Explosions/Remote violence", "Air/drone strike", 10, true),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED", 5, true),
        ("Explosions/Remote violence", "Suicide bomb", 0.5, true), ("Explosions/Remote violence", "Grenade", 1, true),
        ("Explosions/Remote violence", "Chemical weapon", 0.1, true),
        ("Violence against civilians", "Attack", 12, true), ("Violence against civilians", "Abduction/forced disappearance", 3, true),
        ("Violence against civilians", "Sexual violence", 0.5, true),
        ("Protests", "Peaceful protest", 15, false), ("Protests", "Protest with intervention", 3, false),
        ("Protests", "Excessive force against protesters", 0.5, true),
        ("Riots", "Violent demonstration", 3, true), ("Riots", "Mob violence", 2, true),
        ("Strategic developments", "Arrests", 3, false), ("Strategic developments", "Looting/property destruction", 2, false),
        ("Strategic developments", "Change to group/activity", 1, false), ("Strategic developments", "Disrupted weapons use", 1, false),
        ("Strategic developments", "Agreement", 0.5, false), ("Strategic developments", "Headquarters or base established", 0.5, false),
        ("Strategic developments", "Non-violent transfer of territory", 0.5, false), ("Strategic developments", "Other", 0.5, false),
    ].map { Subtype(type: $0.0, name: $0.1, weight: $0.2, violent: $0.3) }

    package static let groupAdjectives = ["Northern", "Southern", "Eastern", "Western", "Free", "Popular", "Islamic", "National",
                                  "Revolutionary", "United", "Democratic", "Patriotic"]
    package static let groupNouns = ["Brigade", "Front", "Army", "Movement", "Liberation Front", "Resistance", "Battalion", "Council"]
    package static let syllables = ["al", "ar", "ba", "bu", "da", "deir", "el", "fa", "ha", "ja", "ka", "kh", "la", "ma", "na", "qa",
                            "ra", "sa", "sh", "ta", "um", "wa", "ya", "za", "mi", "ri", "zor", "tel", "kir", "bab", "hom",
                            "ham", "dar", "nur"]

    /// 327 words; rank order = frequency order in notes (Zipf). "drone" sits at rank 43.
    package static let words: [String] = """
        the of in and to a on by was were at near from with killed forces attack village town area \
        clashes after two three civilians government during group fighters shelling reported least \
        between armed one people security military local several members strike air drone district \
        police more than four five rebels troops militants injured wounded army positions against \
        said sources residents city checkpoint vehicle road market bomb explosion airstrike artillery \
        mortar rocket fire gunmen unknown opposition militia suspected soldiers camp province north \
        south east west central outskirts near-by family children women men houses school hospital \
        mosque church bridge convoy patrol base headquarters border crossing night morning evening \
        early late clash battle offensive raid ambush siege assault counterattack retreat advance \
        captured seized control regained lost heavy light intense sporadic ongoing renewed continued \
        including among other several many dozens hundreds tens some few number total toll death dead \
        bodies found discovered executed abducted kidnapped detained arrested released hostage prisoners \
        shot stabbed beaten burned looted destroyed damaged targeted hit struck fired launched dropped \
        planted exploded detonated ied landmine grenade sniper helicopter jet aircraft tank vehicles \
        trucks motorcycle car bus checkpoint-area farm farmers shepherd herders cattle water well field \
        fields crops harvest fuel oil gas station power plant factory warehouse port airport railway \
        highway street quarter neighbourhood suburb valley mountain hill river coast island desert \
        forest lake dam canal plain front line frontline zone sector region governorate capital \
        displaced fled refugees aid workers journalists doctors teachers students officials leader \
        commander chief mayor elder cleric tribe tribal clan ethnic community communities dispute \
        land cattle-raid revenge retaliation response reprisal protest protesters demonstration riot \
        crowd dispersed teargas live ammunition rubber bullets curfew operation campaign sweep search \
        house-to-house clearance demining ceasefire truce violation violations agreement talks negotiations \
        peace deal exchange withdrawal deployment reinforcements arrived moved entered left returned \
        according monitoring observatory report reports claimed denied confirmed unconfirmed alleged \
        estimate estimated figures casualties victim victims survivor survivors medical treatment \
        evacuated rescued collapsed rubble debris fireball smoke
        """.split(separator: " ").map(String.init)
}

/// Everything the rows are drawn from, in rank order where ranks matter.
package struct World {
    package static let actorCount = 2_000
    package static let admin1PerCountry = 12
    package static let placeCount = 6_000
    package static let firstDay = TimeFormat.days(year: 2014, month: 1, day: 1)
    package static let dayCount = Int(TimeFormat.days(year: 2024, month: 1, day: 1) - firstDay)

    package let countries = Vocabulary.countries
    package let subtypes = Vocabulary.subtypes
    /// Rank 0 is the most frequent actor (Zipf, s = 1.1).
    package let actors: [String]
    /// Rank 0 is the most frequent place (Zipf, s = 0.9); its country follows a Zipf over countries.
    package let places: [Place]
    /// Events per day: a slow rise plus bursts of a few days to a few weeks.
    package let dayWeights: [Double]

    package init(seed: UInt64) {
        var rng = SplitMix64(state: seed ^ 0x5EED_0F_3001D)
        actors = World.makeActors(&rng)
        places = World.makePlaces(countries: Vocabulary.countries, &rng)
        var w = (0..<World.dayCount).map { 1 + Double($0) / Double(World.dayCount) }
        for _ in 0..<80 {
            let centre = Double(rng.below(World.dayCount)), width = 2 + rng.unit() * 18, height = 2 + rng.unit() * 14
            let lo = max(0, Int(centre - 4 * width)), hi = min(World.dayCount - 1, Int(centre + 4 * width))
            for d in lo...hi { let z = (Double(d) - centre) / width; w[d] += height * exp(-z * z / 2) }
        }
        dayWeights = w
    }

    /// Governments, security forces and civilians of each country, then armed groups with
    /// made-up names, shuffled into one Zipf ranking so the head mixes both kinds.
    private static func makeActors(_ rng: inout SplitMix64) -> [String] {
        var names: [String] = []
        for c in Vocabulary.countries {
            names += ["Government of \(c.name)", "Military Forces of \(c.name)", "Police Forces of \(c.name)",
                      "Civilians (\(c.name))", "Protesters (\(c.name))", "Rioters (\(c.name))", "\(c.name) Militia"]
        }
        var seen = Set(names)
        while names.count < actorCount {
            let adjective = rng.unit() < 0.5 ? Vocabulary.groupAdjectives[rng.below(Vocabulary.groupAdjectives.count)] + " " : ""
            let name = adjective + syllableWord(&rng) + " " + Vocabulary.groupNouns[rng.below(Vocabulary.groupNouns.count)]
            if seen.insert(name).inserted { names.append(name) }
        }
        names.shuffle(with: &rng)
        return names
    }

    private static func syllableWord(_ rng: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<(2 + rng.below(2)) { s += Vocabulary.syllables[rng.below(Vocabulary.syllables.count)] }
        return s.prefix(1).uppercased() + s.dropFirst()
    }

    /// Admin1 centres scattered around each country's centre; places scattered around them.
    private static func makePlaces(countries: [Country], _ rng: inout SplitMix64) -> [Place] {
        var seen = Set<String>()
        func uniqueName(_ suffixes: [String]) -> String {
            while true {
                let name = syllableWord(&rng) + " " + suffixes[rng.below(suffixes.count)]
                if seen.insert(name).inserted { return name }
            }
        }
        var admin1: [[(name: String, lat: Double, lon: Double)]] = []
        for c in countries {
            admin1.append((0..<admin1PerCountry).map { _ in
                (uniqueName(["Governorate", "Province", "Region", "State"]),
                 c.lat + (rng.unit() * 2 - 1) * c.spread, c.lon + (rng.unit() * 2 - 1) * c.spread)
            })
        }
        let countryTable = AliasTable(weights: zipfWeights(countries.count, s: 0.9))
        return (0..<placeCount).map { _ in
            let c = countryTable.sample(&rng)
            let a = admin1[c][rng.below(admin1PerCountry)]
            let spread = countries[c].spread / 3
            return Place(name: uniqueName(["town", "village", "city", "district", "camp"]), country: c, admin1: a.name,
                         lat: a.lat + rng.normal() * spread, lon: a.lon + rng.normal() * spread)
        }
    }
}

extension World {
    /// Country indexes ordered by their expected share of events (the sum of their places' Zipf weights).
    package var countriesByEvents: [Int] {
        var share = [Double](repeating: 0, count: countries.count)
        for (rank, place) in places.enumerated() { share[place.country] += 1 / pow(Double(rank + 1), 0.9) }
        return countries.indices.sorted { share[$0] > share[$1] }
    }
}
