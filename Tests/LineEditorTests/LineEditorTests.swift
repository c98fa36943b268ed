// End-to-end tests of LineEditor against the real libedit, through a pseudo-terminal (see PseudoTerminal.swift).
// Keys: "\r" Enter, "\t" Tab, "\u{1b}[A" Up, "\u{1b}[D" Left, "\u{04}" Ctrl-D, "\u{12}" Ctrl-R.
import Foundation
import LineEditor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Completes the word before the cursor from `vocabulary`: after an unclosed `"` the word starts at that quote
/// (so it may contain spaces), otherwise after the last space. Records what it was asked.
final class VocabularyCompleter {
    let vocabulary: [String]
    var asked: [String] = []

    init(_ vocabulary: [String]) { self.vocabulary = vocabulary }

    func complete(_ before: String) -> Completion {
        asked.append(before)
        let quotes = before.indices.filter { before[$0] == "\"" }
        let start = quotes.count % 2 == 1 ? quotes.last! : (before.lastIndex(of: " ").map(before.index(after:)) ?? before.startIndex)
        let word = before[start...]
        return Completion(replaceLength: word.count, candidates: vocabulary.filter { $0.hasPrefix(word) })
    }
}

@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/ptmx")))
struct LineEditorTests {
    @Test func typedLineIsReturnedOnEnter() throws {
        let tty = try PseudoTerminal()
        tty.editor.prompt = "evq> "
        let (result, failures) = tty.play([.waitForRawMode, .type("select 1\r")]) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("select 1"))
        #expect(tty.screen.waitForOutput("evq> select 1\r\n"))
    }

    @Test func tabCompletesAUniqueWordAndAddsASpace() throws {
        let tty = try PseudoTerminal()
        let completer = VocabularyCompleter(["actor1", "count", "country"])
        tty.editor.completer = completer.complete
        tty.editor.prompt = "evq> "
        let (result, failures) = tty.play([.waitForRawMode, .type("select act\twhere\r")]) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("select actor1 where"))
        #expect(completer.asked == ["select act"])
    }

    @Test func tabWithoutCandidatesBeepsAndLeavesTheLineAlone() throws {
        let tty = try PseudoTerminal()
        let completer = VocabularyCompleter(["actor1"])
        tty.editor.completer = completer.complete
        tty.editor.prompt = "evq> "
        let (result, failures) = tty.play([.waitForRawMode, .type("select zz\t1\r")]) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("select zz1"))
        #expect(completer.asked == ["select zz"])
        #expect(tty.screen.waitForOutput("\u{7}"))
    }

    @Test func tabCompletesAQuotedCandidateContainingSpaces() throws {
        let tty = try PseudoTerminal()
        let completer = VocabularyCompleter(["\"Islamic Resistance in Iraq\"", "\"Israel Defense Forces\"", "actor1"])
        tty.editor.completer = completer.complete
        tty.editor.prompt = "evq> "
        let keys: [Key] = [.waitForRawMode, .type("where actor1 == \"Islamic Res\tlimit 5\r")]
        let (result, failures) = tty.play(keys) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("where actor1 == \"Islamic Resistance in Iraq\" limit 5"))
        #expect(completer.asked == ["where actor1 == \"Islamic Res"])
    }

    @Test func ambiguousTabExtendsToTheCommonPrefixThenListsCandidates() throws {
        let tty = try PseudoTerminal()
        let completer = VocabularyCompleter(["actor1", "actor2", "action", "count"])
        tty.editor.completer = completer.complete
        tty.editor.prompt = "evq> "
        let keys: [Key] = [
            .waitForRawMode, .type("ac\t\t"), .waitForOutput("\r\nactor1  actor2  action\r\n"),
            .type("o\t2\r"),
        ]
        let (result, failures) = tty.play(keys) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("actor2"))
        #expect(completer.asked == ["ac", "act", "acto"])
    }

    @Test func aSecondTabOnTheSameTextDoesNotPrintTheListAgain() throws {
        let tty = try PseudoTerminal()
        tty.editor.completer = { before in
            Completion(replaceLength: before.count, candidates: ["actor1", "actor2"], note: "(3 more values not listed: type more letters)")
        }
        tty.editor.prompt = "evq> "
        let listing = "\r\nactor1  actor2\r\n(3 more values not listed: type more letters)\r\n"
        let keys: [Key] = [.waitForRawMode, .type("ac\t\t"), .waitForOutput(listing), .type("\t"), .type(String(repeating: "\u{7f}", count: 5) + "x\r")]
        let (result, failures) = tty.play(keys) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("x"))
        #expect(tty.screen.text.components(separatedBy: listing).count == 2, "\(tty.screen.text.debugDescription)")
    }

    @Test func longCandidateListsAreLaidOutInColumnsDownThenAcross() throws {
        let tty = try PseudoTerminal()  // 80 columns
        let fields = (1...13).map { "field\($0)" }  // widest is 7 → cells of 9 → 9 columns, 2 rows
        tty.editor.completer = VocabularyCompleter(fields).complete
        tty.editor.prompt = "evq> "
        let listing = """
            field1   field3   field5   field7   field9   field11  field13\r
            field2   field4   field6   field8   field10  field12\r

            """
        let keys: [Key] = [.waitForRawMode, .type("f\t\t"), .waitForOutput(listing), .type("\r")]
        let (result, failures) = tty.play(keys) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("field"))
    }

    @Test func historyIsSavedAndRecalledWithUpByANewEditor() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/history"
        let statements = ["select 1", "where place == \"Zürich ✓\"", "events\n| count"]
        do {
            let first = try PseudoTerminal(historyFile: path)
            for statement in statements { first.editor.addHistory(statement) }
            first.editor.saveHistory()
        }
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(file.hasPrefix("_HiStOrY_V2_\nselect\\0401\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let tty = try PseudoTerminal(historyFile: path)
        #expect(tty.editor.historyEntries == statements)
        tty.editor.prompt = "evq> "
        let keys: [Key] = [
            .waitForRawMode, .type("\u{1b}[A\u{1b}[A\r"),
            .waitForOutput("evq> ", times: 2), .waitForRawMode, .type("\u{1b}[A\r"),
        ]
        let (results, failures) = tty.play(keys) { [tty.editor.readLine(), tty.editor.readLine()] }
        #expect(failures == [])
        #expect(results == [.line("where place == \"Zürich ✓\""), .line("events\n| count")])
    }

    @Test func aMissingFolderIsReportedOnceAndNeverCreated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/not/yet/there/history"
        let errors = try CapturedFile()
        do {
            let tty = try PseudoTerminal(historyFile: path, errorOutput: errors.file)
            tty.editor.reportHistoryProblem()
            tty.editor.addHistory("count")
            tty.editor.saveHistory()
            tty.editor.addHistory("limit 1")
            tty.editor.saveHistory()
            #expect(tty.editor.historyEntries == ["count", "limit 1"])
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/not"))
        #expect(
            errors.contents.split(separator: "\n").filter { $0.contains("history") }
                == ["evq-test: not saving history: the folder \(directory.path)/not/yet/there does not exist (create it, or set EVQ_HISTORY to another file)"])
    }

    @Test func ctrlRSearchesHistoryBackwards() throws {
        let tty = try PseudoTerminal()
        for statement in ["select 1", "where x == 2", "count"] { tty.editor.addHistory(statement) }
        tty.editor.prompt = "evq> "
        let (result, failures) = tty.play([.waitForRawMode, .type("\u{12}whe\r")]) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("where x == 2"))
    }

    @Test func ctrlDOnAnEmptyLineIsEndOfFile() throws {
        let tty = try PseudoTerminal()
        tty.editor.prompt = "evq> "
        let (result, failures) = tty.play([.waitForRawMode, .type("\u{04}")]) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .eof)
        // libedit echoes ^D itself; readLine() ends that line so that what the caller prints starts clean.
        #expect(tty.screen.waitForOutput("evq> ^D\r\n"))
            }

    @Test func utf8LineIsEditedPerCharacterWithLeftArrow() throws {
        let tty = try PseudoTerminal()
        tty.editor.prompt = "evq> "
        let keys: [Key] = [.waitForRawMode, .type("héllo wörld ✓\u{1b}[D\u{1b}[D\u{1b}[D\u{1b}[DX\r")]  // X before "ld ✓"
        let (result, failures) = tty.play(keys) { tty.editor.readLine() }
        #expect(failures == [])
        #expect(result == .line("héllo wörXld ✓"))
    }

    @Test func promptChangesShowInTheEchoAndColourCodesPassThroughUnmarked() throws {
        let tty = try PseudoTerminal()
        let keys: [Key] = [
            .waitForRawMode, .type("events\r"),
            .waitForOutput("...> "), .waitForRawMode, .type("| count\r"),
            .waitForOutput("\u{1b}[1;32mevq\u{1b}[0m> "), .waitForRawMode, .type("x\r"),
        ]
        let (results, failures) = tty.play(keys) {
            tty.editor.prompt = "evq> "
            let first = tty.editor.readLine()
            tty.editor.prompt = "...> "
            let second = tty.editor.readLine()
            tty.editor.prompt = "\u{1b}[1;32mevq\u{1b}[0m> "
            return [first, second, tty.editor.readLine()]
        }
        #expect(failures == [])
        #expect(results == [.line("events"), .line("| count"), .line("x")])
        #expect(
            tty.screen.waitForOutput("evq> events\r\n...> | count\r\n\u{1b}[1;32mevq\u{1b}[0m> x\r\n"),
            "\(tty.screen.text.debugDescription)")
        #expect(!tty.screen.text.contains("\u{1}"))
    }

    @Test func aFileInAnotherFormatIsNeitherLoadedNorOverwritten() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/history"
        let readlineHistory = "select 1\nwhere x == 2\n"
        try readlineHistory.write(toFile: path, atomically: false, encoding: .utf8)
        let errors = try CapturedFile()
        do {
            let tty = try PseudoTerminal(historyFile: path, errorOutput: errors.file)
            #expect(tty.editor.historyEntries == [])
            tty.editor.addHistory("count")
            tty.editor.saveHistory()
            tty.editor.addHistory("limit 1")
            tty.editor.saveHistory()
            #expect(tty.editor.historyEntries == ["count", "limit 1"])
        }  // deinit saves again
        #expect(try String(contentsOfFile: path, encoding: .utf8) == readlineHistory)
        // Only our line: with an unknown $TERM libedit also writes a complaint to this stream.
        #expect(
            errors.contents.split(separator: "\n").filter { $0.contains("history") }
                == ["evq-test: not saving history: \(path) is not a libedit history file (it does not start with _HiStOrY_V2_)"])
    }
}

/// A fresh directory under /tmp, removed on deinit.
final class TemporaryDirectory {
    let path: String
    init() throws {
        var template = Array("/tmp/evq-lineeditor-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw POSIXError(.init(rawValue: errno)!) }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// An anonymous temporary FILE* whose contents can be read back.
final class CapturedFile {
    let file: UnsafeMutablePointer<FILE>
    init() throws {
        guard let file = tmpfile() else { throw POSIXError(.init(rawValue: errno)!) }
        self.file = file
    }
    deinit { fclose(file) }
    var contents: String {
        fflush(file)
        rewind(file)
        var bytes: [UInt8] = []
        while case let c = fgetc(file), c != EOF { bytes.append(UInt8(c)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
