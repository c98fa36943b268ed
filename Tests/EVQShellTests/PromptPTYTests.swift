// The prompt end to end: the real `evq` binary on a pseudo-terminal of its own, typed at as a person would
// (Tab, arrows, Ctrl-C, Ctrl-D), checked against what the terminal shows. See PromptPTYSupport.swift for
// how evq is started (its own session, the pty as controlling terminal) and how the screen is rebuilt.
//
// Synchronisation is by what the terminal shows and by libedit's raw mode, never by fixed sleeps; the one
// measured pause (Ctrl-C during a query) only has to land inside a query that runs for seconds.
#if os(Linux)  // /proc, glibc's posix_spawn extensions, Linux pty semantics
import EVQ
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The count table for one number, as evq prints it.
private func countTable(_ n: Int) -> [String] {
    let width = max(5, String(n).count)
    return [" count", String(repeating: "-", count: width + 2), " " + String(repeating: " ", count: width - String(n).count) + String(n), "(1 row)"]
}

/// The first 12 events in time order (what `events | take 12 | project id` prints).
private let first12IDs = [
    "ucdp-214797", "ucdp-214804", "ucdp-214808", "ucdp-214811", "ucdp-214814", "ucdp-214817",
    "ucdp-214825", "ucdp-214828", "ucdp-214831", "ucdp-214858", "ucdp-219264", "ucdp-233200",
]

// Serialized: every test starts an evq that loads 16,585 rows; one at a time keeps the machine's two cores
// for the evq under test and for the other suites, and the Ctrl-C timing honest.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/ptmx")))
struct PromptPTYTests {
    /// The harness itself: evq leads its own session, the pty is its controlling terminal with evq's group in
    /// the foreground, and at the prompt SIGINT is neither blocked nor ignored in it.
    @Test func theChildOwnsItsTerminal() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let stat = try #require(ProcStat(pid: evq.pid))
        #expect(stat.session == evq.pid)
        #expect(stat.processGroup == evq.pid)
        #expect(stat.terminal == UInt64(evq.slaveDevice))
        #expect(stat.foregroundGroup == evq.pid)
        #expect(getsid(0) != evq.pid && getpgrp() != evq.pid)
        let sigint: UInt64 = 1 << (UInt64(SIGINT) - 1)
        // evq replaced the default disposition with its handler; what matters is that it is not ignored.
        #expect(try #require(signalMask("SigIgn", pid: evq.pid)) & sigint == 0)
        #expect(try #require(signalMask("SigBlk", pid: evq.pid)) & sigint == 0)
    }

    // 1
    @Test func aQueryPrintsItsResultAndANewPrompt() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        let shown = try evq.waitForPrompt()
        #expect(shown.lines == ["evq: actors (103 rows), events (16,585 rows). Type .help for help, Ctrl-D to leave.", "evq> "])
        let run = try evq.enter("events | count")
        #expect(run.echo == "evq> events | count")
        #expect(run.output == countTable(16585))
        #expect(run.nextPrompt == "evq> ")
        #expect(evq.rawText.contains("evq> events | count\r\n count\r\n-------\r\n 16585\r\n(1 row)\r\nevq> "))
    }

    // 2
    @Test func tabCompletesAField() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        evq.type("events | where fatal\t")
        try evq.waitUntil("the completed field") { $0.lastLine == "evq> events | where fatalities " }
        let run = try evq.enter("> 1000 | count")
        #expect(run.echo == "evq> events | where fatalities > 1000 | count")
        #expect(run.output == countTable(5))
    }

    // 3
    @Test func tabCompletesAnActorNameWithSpaces() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        evq.type("events | where actor1 == \"Islamic Res\t")
        try evq.waitUntil("the quoted actor") { $0.lastLine == "evq> events | where actor1 == \"Islamic Resistance in Iraq\" " }
        // Run it as completed, with a projection so that the row fits the screen.
        let run = try evq.enter("| project id, actor1, location")
        #expect(run.echo == "evq> events | where actor1 == \"Islamic Resistance in Iraq\" | project id, actor1, location")
        #expect(run.output == [
            " id       | actor1                     | location",
            "----------+----------------------------+----------",
            " seed-005 | Islamic Resistance in Iraq | Haifa",
            "(1 row)",
        ])
    }

    // 4
    @Test func tabCompletesAStageAfterAPipe() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        evq.type("events | summ\t")
        try evq.waitUntil("the completed stage") { $0.lastLine == "evq> events | summ" + "arize " }
        let run = try evq.enter("n = count()")
        #expect(run.echo == "evq> events | summarize n = count()")
        #expect(run.output == ["     n", "-------", " 16585", "(1 row)"])
    }

    // 5
    @Test func anAmbiguousCompletionListsTheCandidates() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        evq.type("events | where actor\t")
        // The first Tab lists the candidates and redraws the prompt and the line below the list.
        try evq.waitUntil("the candidates") { screen in
            screen.lines.filter { $0 == "actor1  actor2  actors" }.count == 1 && screen.lastLine == "evq> events | where actor"
        }
        // A second Tab on the same text only beeps: the list is on the screen already.
        evq.type("\t1")
        let shown = try evq.waitUntil("the typed digit") { $0.lastLine == "evq> events | where actor1" }
        #expect(Array(shown.lines.suffix(3)) == ["evq> events | where actor", "actor1  actor2  actors", "evq> events | where actor1"])
        evq.type("\u{7f}")
        try evq.waitUntil("the deleted digit") { $0.lastLine == "evq> events | where actor" }
        // The line was kept: finish it.
        let run = try evq.enter("1 == \"IS\" | count")
        #expect(run.echo == "evq> events | where actor1 == \"IS\" | count")
        #expect(run.output == countTable(3287))
    }

    // 6
    @Test func aStatementOverTwoLinesIsOneHistoryEntry() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let first = try evq.enter("events |")
        #expect(first.output == [])
        #expect(first.nextPrompt == "...> ")
        let second = try evq.enter("count")
        #expect(second.echo == "...> count")
        #expect(second.output == countTable(16585))
        #expect(second.nextPrompt == "evq> ")
        let history = try evq.enter(".history")
        #expect(history.output == ["1  events | count", "2  .history"])
        // Up recalls it as one line, edited as a whole: the cursor goes back into the first line's part.
        evq.type("\u{1b}[A\u{1b}[A")
        try evq.waitUntil("the recalled statement") { $0.lastLine == "evq> events | count" }
        evq.type("\u{01}\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[C\u{1b}[Cwhere country == \"Lebanon\" | ")
        let edited = try evq.enter("")
        #expect(edited.echo == "evq> events | where country == \"Lebanon\" | count")
        #expect(edited.output == countTable(3))
        evq.type("\u{04}")
        #expect(try evq.waitForExit() == 0)
        let saved = try String(contentsOfFile: evq.historyFile, encoding: .utf8)
        #expect(saved.hasPrefix("_HiStOrY_V2_\nevents\\040|\\040count\n.history\n"))
    }

    // 7
    @Test func historyIsKeptAcrossSessions() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        do {
            let a = try EVQTerminal(home: home)
            defer { a.stop() }
            try a.waitForPrompt()
            let run = try a.enter("events | take 1 | project id")
            #expect(run.output == [" id", "-------------", " ucdp-214797", "(1 row)"])
            try a.waitForRawMode()
            a.type("\u{04}")
            #expect(try a.waitForExit() == 0)
        }
        let b = try EVQTerminal(home: home)
        defer { b.stop() }
        try b.waitForPrompt()
        b.type("\u{1b}[A")
        try b.waitUntil("the recalled statement") { $0.lastLine == "evq> events | take 1 | project id" }
        let run = try b.enter("")
        #expect(run.echo == "evq> events | take 1 | project id")
        #expect(run.output == [" id", "-------------", " ucdp-214797", "(1 row)"])
        let history = try b.enter(".history")
        #expect(history.output == ["1  events | take 1 | project id", "2  .history"])
    }

    // 6b
    @Test func ctrlDAtTheContinuationPromptDropsThePendingStatement() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let first = try evq.enter("events | where country == \"Iraq\" |")
        #expect(first.nextPrompt == "...> ")
        try evq.waitForRawMode()
        evq.type("\u{04}")
        let shown = try evq.waitForPrompt(after: evq.screen.lines.count - 1)
        #expect(Array(shown.lines.suffix(3)) == [
            "...> ^D", "(Ctrl-D: the unfinished statement was not run; Up recalls it, Ctrl-D again leaves)", "evq> ",
        ])
        let top = try evq.enter("events | top 5")
        #expect(top.output.first == "<prompt>:1:15: error: expected 'by' after the number of rows, found the end of the input")
        #expect(top.nextPrompt == "evq> ")
        evq.type("\u{1b}[A\u{1b}[A")
        try evq.waitUntil("the dropped statement, recalled") { $0.lastLine == "evq> events | where country == \"Iraq\" |" }
        let run = try evq.enter(" count")
        #expect(run.output == countTable(6))
    }

    // 6c
    @Test func aResizeBetweenTwoResultsIsFollowed() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let query = "events | take 1 | project id, date, type, actor1, country"
        let wide = try evq.enter(query)
        #expect(wide.output.first == " id          | date       | type                 | actor1              | country")
        evq.resize(columns: 50, rows: 20)
        let narrow = try evq.enter(query)
        #expect(narrow.output.first == " id          | date       | type")
        #expect(narrow.output.last == "(2 more columns not shown: ...; use project)")
        #expect(narrow.output.allSatisfy { $0.count <= 50 })
        // The height too: a screenful less header and footer (20 - 6 = 14 rows, at least 10).
        let rows = try evq.enter("events | project id")
        #expect(rows.output.last == "(16585 rows; 16571 not shown: raise .maxrows or use .last to see them all)")
    }

    // 6d
    @Test func boxAndLineModesAndTheWidthSetting() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        try evq.enter(".mode box")
        let box = try evq.enter("events | take 1 | project id, fatalities")
        #expect(box.output == ["┌─────────────┬────────────┐", "│ id          │ fatalities │", "├─────────────┼────────────┤",
                               "│ ucdp-214797 │          4 │", "└─────────────┴────────────┘", "(1 row)"])
        try evq.enter(".mode line")
        let line = try evq.enter("events | take 1 | project id, fatalities")
        #expect(line.output == ["        id = ucdp-214797", "fatalities = 4"])
        try evq.enter(".mode table")
        try evq.enter(".width 6")
        let cut = try evq.enter("events | take 1 | project id")
        #expect(cut.output == [" id", "--------", " ucdp-…", "(1 row)"])
    }

    // 6e
    @Test func ctrlCStopsALoadThatShowsItsProgress() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ShellFixture.writeBigCSV(rows: 400_000, to: home + "/big.csv")
        let evq = try EVQTerminal(home: home)
        defer { evq.stop() }
        try evq.waitForPrompt()
        try evq.waitForRawMode()
        evq.type(".load \(home)/big.csv\r")
        // After a second, a progress line on stderr, redrawn in place: rows, bytes, rate and time
        // left while the file is read, then the rows read while the columns and indexes are built
        // (on several cores the reading alone can take under a second).
        try evq.waitUntil("the progress line") { screen in
            let line = screen.lastLine
            let reading = line.contains(" rows, ") && line.contains(" MB/s, ") && line.hasSuffix(" s left (Ctrl-C stops it)")
            return line.hasPrefix("loading big.csv (") && (reading || line.hasSuffix(": 400,000 rows read, indexing (Ctrl-C stops it)"))
        }
        let pressed = ContinuousClock.now
        evq.type("\u{03}")
        let shown = try evq.waitUntil("the interrupted load") { $0.lines.suffix(2) == ["Interrupted: nothing was loaded", "evq> "] }
        let took = ContinuousClock.now - pressed
        #expect(took < .milliseconds(1000), "Ctrl-C took \(took)")
        #expect(!shown.text.contains("loading big.csv ("), "the progress line was erased")
        let tables = try evq.enter(".tables")
        #expect(tables.output.count == 5)
        #expect(!tables.output.joined().contains("big"))
    }

    // 6f
    @Test func wideCharactersKeepTableColumnsAligned() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "city,n\n東京都,1\nDamascus,22\n🇸🇾 Aleppo,3\n".write(toFile: home + "/cities.csv", atomically: true, encoding: .utf8)
        let evq = try EVQTerminal(arguments: ["--no-init", "--data", home + "/cities.csv"], home: home)
        defer { evq.stop() }
        try evq.waitForPrompt()
        let run = try evq.enter("events")
        #expect(run.output == [" city      |  n", "-----------+----", " 東京都    |  1", " Damascus  | 22", " 🇸🇾 Aleppo |  3", "(3 rows)"])
        // The column bar is at the same terminal column on every row.
        let bars = run.output.dropFirst(2).prefix(3).map { line in line[..<line.firstIndex(of: "|")!].displayWidth }
        #expect(Set(bars).count == 1)
    }

    // 7b
    @Test func historySurvivesAKillOfTheSession() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        do {
            let a = try EVQTerminal(home: home)
            defer { a.stop() }
            try a.waitForPrompt()
            try a.enter("events | take 1 | project id")
            try a.enter("events |")
            try a.enter("count")
            try a.enter(".mode csv")
            // No clean exit: SIGKILL, as a crash or a closed laptop would end it.
            kill(a.pid, SIGKILL)
        }
        let saved = try String(contentsOfFile: home + "/history", encoding: .utf8)
        #expect(saved == "_HiStOrY_V2_\nevents\\040|\\040take\\0401\\040|\\040project\\040id\nevents\\040|\\040count\n.mode\\040csv\n")
        let mode = try FileManager.default.attributesOfItem(atPath: home + "/history")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    // 7c
    @Test func aMissingHistoryFolderIsReportedOnceAndNotCreated() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let evq = try EVQTerminal(environment: ["EVQ_HISTORY": home + "/typo/history"], home: home)
        defer { evq.stop() }
        let shown = try evq.waitForPrompt()
        #expect(shown.lines.dropFirst() == [
            "evq: not saving history: the folder \(home)/typo does not exist (create it, or set EVQ_HISTORY to another file)",
            "evq> ",
        ])
        let run = try evq.enter("events | count")
        #expect(run.output == countTable(16585))
        try evq.waitForRawMode()
        evq.type(".quit\r")
        #expect(try evq.waitForExit() == 0)
        #expect(!evq.screen.text.contains("cannot save"))
        #expect(evq.screen.text.components(separatedBy: "not saving history").count == 2)
        #expect(!FileManager.default.fileExists(atPath: home + "/typo"))
    }

    // 8
    @Test func ctrlCStopsALongQueryAndKeepsTheSession() throws {
        // 400 ms per batch of 2,048 rows: a scan of the 16,585 events takes about 3.6 s.
        let evq = try EVQTerminal(environment: ["EVQ_TEST_BATCH_DELAY_MS": "400"])
        defer { evq.stop() }
        try evq.waitForPrompt()
        let start = evq.screen.lines.count - 1
        let query = "events | where fatalities > 0 | count"
        evq.type(query + "\r")
        // libedit echoes the Enter before it returns the line; the query starts right after.
        try evq.waitUntil("the Enter echoed") { $0.lines.count > start + 1 && $0.lines[start] == "evq> " + query }
        evq.drain(for: .milliseconds(300))
        try #require(evq.screen.lines.count == start + 2, "the query finished before Ctrl-C:\n\(evq.screen.text)")
        let sent = ContinuousClock.now
        evq.type("\u{03}")
        let shown = try evq.waitUntil("Interrupted and a new prompt") { screen in
            screen.lastLine == "evq> " && screen.lines.count > start + 2
        }
        let latency = ContinuousClock.now - sent
        print("PromptPTYTests: Ctrl-C during a query -> new prompt in \(latency)")
        #expect(latency < .seconds(2), "Ctrl-C took \(latency)")
        // The kernel echoes ^C (the terminal is in cooked mode while the query runs), then evq's message.
        #expect(Array(shown.lines[(start + 1)...]) == ["^CInterrupted", "evq> "])
        // The session goes on (this query reads no batch, so it is quick despite the delay).
        let next = try evq.enter("events | count")
        #expect(next.output == countTable(16585))
    }

    // 9
    @Test func ctrlCAtThePromptDropsTheHalfTypedLine() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let start = evq.screen.lines.count - 1
        evq.type("events | wh")
        try evq.waitUntil("the half-typed line") { $0.lastLine == "evq> events | wh" }
        evq.type("\u{03}")
        try evq.waitForPrompt(after: start)
        let run = try evq.enter("actors | count")
        #expect(run.output == countTable(103))
        #expect(Array(evq.screen.lines.suffix(7)) == ["evq> events | wh", "evq> actors | count"] + countTable(103) + ["evq> "])
        #expect(!evq.screen.text.contains("error"))
    }

    // 10
    @Test func ctrlDOnAnEmptyLineExitsWithZero() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        evq.type("\u{04}")
        #expect(try evq.waitForExit() == 0)
        // The banner, the prompt where Ctrl-D was typed (libedit echoes `^D` there), and the line evq ended.
        let lines = evq.screen.lines
        #expect(lines.count == 3 && ["evq> ", "evq> ^D"].contains(lines[1]) && lines[2] == "", "\(lines)")
        #expect(!evq.screen.text.contains("error"))
    }

    // 11
    @Test func aCutResultAndDotLast() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        #expect(try evq.enter(".maxrows 5").output == [])
        let cut = try evq.enter("events | take 12 | project id")
        #expect(cut.output == [" id", "-------------"] + first12IDs.prefix(5).map { " " + $0 }
            + ["(12 rows; 7 not shown: raise .maxrows or use .last to see them all)"])
        let all = try evq.enter(".last")
        #expect(all.output == [" id", "-------------"] + first12IDs.map { " " + $0 } + ["(12 rows)"])
    }

    // 12
    @Test func timerOnShowsTheRunTimeAndRowsExamined() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        #expect(try evq.enter(".timer on").output == [])
        let run = try evq.enter("events | where country == \"Lebanon\" | count")
        #expect(Array(run.output.prefix(4)) == countTable(3))
        let timer = try #require(run.output.last)
        #expect(timer.hasPrefix("Run time: "))
        #expect(timer.contains("examined"))
        #expect(timer.wholeMatch(of: /Run time: [0-9.]+ m?s; examined [0-9,]+ of 16,585 rows \([0-9.]+%\)/) != nil, "\(timer)")
    }

    // 13
    @Test func theStartupFileRunsUnlessNoInit() throws {
        let home = try EVQTerminal.makeHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ".mode csv\n".write(toFile: home + "/.evqrc", atomically: true, encoding: .utf8)
        do {
            let evq = try EVQTerminal(arguments: [], home: home)
            defer { evq.stop() }
            try evq.waitForPrompt()
            let run = try evq.enter("events | count")
            #expect(run.output == ["count", "16585"])
            #expect(evq.rawText.contains("evq> events | count\r\ncount\r\n16585\r\nevq> "))
        }
        let evq = try EVQTerminal(arguments: ["--no-init"], home: home)
        defer { evq.stop() }
        try evq.waitForPrompt()
        #expect(try evq.enter("events | count").output == countTable(16585))
    }
}

#endif
