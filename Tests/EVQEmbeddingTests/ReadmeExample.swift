// The README's embedding example, compiled and run by a target that imports EVQ only. The
// lines between the markers are the README's, verbatim (`ReadmeExampleTests` compares them).

import EVQ

struct ReadmeExampleOutcome {
    var session: Session
    var killed: [Int64?]?
    var boxed: [Value]?
    var actors: [Value]
}

func runReadmeExample() throws -> ReadmeExampleOutcome {
    // README begin
    var b = TableBuilder(name: "events")
    b.addColumn("date", [.time(TimeFormat.parse("2024-11-05")!), .time(TimeFormat.parse("2024-11-02")!)])
    b.addColumn("actor1", [.string("Hezbollah"), .string("IS")])
    b.addColumn("fatalities", [.int(3), .int(5)])
    let session = Session(tables: [b.build(timeColumn: "date")])

    let result = try session.query("events | where actor1 == \"Hezbollah\" | summarize killed = sum(fatalities)")
    let killed = result.column("killed")?.ints  // [3]; nil if it were not an int column
    let boxed = result.values(of: "killed")     // [.int(3)]

    var actors: [Value] = []
    for row in try session.query("events | project actor1, fatalities").rows {
        actors.append(row["actor1"]!)  // .string("IS") first: rows come in time order
    }

    do {
        _ = try session.query("events | where actr == \"IS\"")
    } catch {
        print(error.message, error.location!)  // unknown field 'actr', at line 1, column 16
    }
    // README end
    return ReadmeExampleOutcome(session: session, killed: killed, boxed: boxed, actors: actors)
}
