// --max-memory as the operators enforce it: each kind that grows (group tables, aggregate
// states, sort and top-N buffers, join and lookup builds and outputs, sequences, computed
// text) stops the query with the stage as written, the limit and what grew; a query well
// under the limit gives its answer unchanged. And the resident-memory backstop.

@testable import EVQ
import EVQEngine
import EVQTestSupport
import Foundation
import Testing

struct MemoryCase: CustomTestStringConvertible, Sendable {
    let query: String
    let limit: String
    /// The error's first line after `<query>:1:COL: error: query stopped: `, and its column.
    let column: Int
    let message: String
    var testDescription: String { query }
}

@Suite struct MemoryLimitTests {
    static let cases = [
        MemoryCase(query: "events | summarize n = count() by actor1, location", limit: "100K", column: 10,
                   message: "summarize n = count() by actor1, location needed more than its memory limit of 100 KB (hash table of 2,864 groups)"),
        MemoryCase(query: "events | distinct notes", limit: "100K", column: 10,
                   message: "distinct notes needed more than its memory limit of 100 KB (hash table of 12 K groups)"),
        MemoryCase(query: "events | summarize percentile(fatalities, 50) by location", limit: "300K", column: 10,
                   message: "summarize percentile(fatalities, 50) by location needed more than its memory limit of 300 KB (percentile states of 2,000 groups)"),
        MemoryCase(query: "events | where fatalities > 0 | sort by notes", limit: "100K", column: 33,
                   message: "sort by notes needed more than its memory limit of 100 KB (sort buffer of 15 K rows)"),
        MemoryCase(query: "events | top 10000 by fatalities", limit: "100K", column: 10,
                   message: "top 10000 by fatalities needed more than its memory limit of 100 KB (top-N buffer of 10 K rows)"),
        MemoryCase(query: "events | join kind=inner (events) on country | count", limit: "1M", column: 10,
                   message: "join kind=inner (events) on country needed more than its memory limit of 1.0 MB (hash table of 17 K rows, keys of 17 K probed)"),
        MemoryCase(query: "events | where fatalities > 100 | join kind=inner (events) on country | count", limit: "20M", column: 35,
                   message: "join kind=inner (events) on country needed more than its memory limit of 20 MB (output of 66 K rows)"),
        MemoryCase(query: "events | lookup actors on actor1 = name | count", limit: "100K", column: 10,
                   message: "lookup actors on actor1 = name needed more than its memory limit of 100 KB (hash table of 103 rows, keys of 17 K probed)"),
        MemoryCase(query: "events | sequence mode=every within 2d [where actor1 == \"Government of Syria\"] as a by admin1 [where actor1 == \"IS\"] as b by admin1",
                   limit: "200K", column: 10,
                   message: "sequence mode=every within 2d [where actor1 == \"Government … needed more than its memory limit of 200 KB (14 K step candidates)"),
        MemoryCase(query: "events | extend t = strcat(notes, notes, notes) | count", limit: "200K", column: 10,
                   message: "extend t = strcat(notes, notes, notes) needed more than its memory limit of 200 KB (2,048 computed values)"),
        MemoryCase(query: "events | project n = strcat(actor1, \" \", notes)", limit: "100K", column: 10,
                   message: "project n = strcat(actor1, \" \", notes) needed more than its memory limit of 100 KB (2,048 computed values)"),
    ]

    /// One query of each kind that grows, small enough to run without a limit.
    static let wellUnder = [
        "events | summarize n = count() by actor1, location", "events | distinct notes", "events | summarize percentile(fatalities, 50) by location",
        "events | where fatalities > 0 | sort by notes | project id", "events | top 10000 by fatalities | project id",
        "events | where country == \"Lebanon\" | join kind=inner (events | where country == \"Lebanon\") on country | count",
        "events | lookup actors on actor1 = name | summarize count() by kind",
        "events | sequence mode=every within 2d [where actor1 == \"Government of Syria\"] as a by admin1 [where actor1 == \"IS\"] as b by admin1 | count",
        "events | extend t = strcat(notes, notes, notes) | summarize max(t)", "events | project n = strcat(actor1, \" \", notes) | take 5",
    ]

    static func run(_ query: String, limit: String?) -> Result<String, EVQError> {
        let session = Project.sampleSession()
        if let limit { session.limits.memoryBytes = QueryLimits.parseBytes(limit)! }
        do { return .success(Renderer.render(try session.query(query).table, as: .csv)) } catch { return .failure(error) }
    }

    @Test(arguments: cases) func anOperatorPastTheLimitStopsTheQueryAndSaysWhatGrew(_ c: MemoryCase) {
        guard case .failure(let error) = Self.run(c.query, limit: c.limit) else { Issue.record("ran to the end"); return }
        let lines = error.render().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == "<query>:1:\(c.column): error: query stopped: \(c.message)")
        #expect(lines.count > 2 && lines[2].hasSuffix(" raise it with --max-memory, or .max_memory at the prompt"))
        #expect(error.exitCode == 65)
    }

    @Test(arguments: wellUnder) func aQueryWellUnderTheLimitGivesTheSameAnswer(_ query: String) throws {
        let free = try Self.run(query, limit: nil).get()
        #expect(try Self.run(query, limit: "256M").get() == free)
        #expect(free.split(separator: "\n").count > 1)
    }

    @Test func theStageIsFoundInsideAJoinsRightSide() {
        let q = "actors | join kind=inner (events | summarize n = count() by actor1, location) on $left.name == $right.actor1"
        guard case .failure(let error) = Self.run(q, limit: "100K") else { Issue.record("ran to the end"); return }
        #expect(error.render().hasPrefix("<query>:1:36: error: query stopped: summarize n = count() by actor1, location needed more than"))
    }

    @Test func theResidentMemoryBackstopStopsWhatNoOperatorCharged() {
        // 160 MB touched: past the backstop of 64 MB over the (1000-byte) limit. The resident
        // set is the whole process's, and other suites run at the same time and free memory:
        // a try during which they gave back over 96 MB is made again (three tries).
        var watch = LimitWatch(QueryLimits(memoryBytes: 1000))
        var ballast: [UInt8] = []
        for _ in 0..<3 {
            watch = LimitWatch(QueryLimits(memoryBytes: 1000))
            ballast = [UInt8](repeating: 1, count: 160 << 20)
            if watch.exceeded() { break }
            ballast = []
        }
        #expect(watch.reason != nil)
        #expect(watch.reason?.hasPrefix("query stopped: evq's memory grew by ") == true)
        #expect(watch.reason?.hasSuffix(" during the query, far over its limit of 1000 bytes") == true)
        #expect(ballast.count == 160 << 20)
    }

    @Test func overrunsAreCountedOnceAndFreeWithoutALimit() {
        let budget = MemoryBudget(limit: 1000)
        #expect(budget.charge(600, MemoryStage("sort"), grew: "a"))
        #expect(!budget.isExceeded)
        #expect(!budget.charge(600, MemoryStage("summarize"), grew: "b"))
        #expect(!budget.charge(10, MemoryStage("join"), grew: "c"))
        #expect(budget.overrun?.stage == MemoryStage("summarize") && budget.overrun?.grew == "b" && budget.overrun?.limit == 1000)
        #expect(MemoryBudget.unlimited.charge(.max, MemoryStage("sort"), grew: "never"))
        #expect(!MemoryBudget.unlimited.isExceeded)
        #expect([0, 999, 1_000, 9_999, 12_345, 1_234_567, 45_000_000].map(MemoryBudget.describe(count:))
                == ["0", "999", "1,000", "9,999", "12 K", "1.2 M", "45 M"])
    }
}
