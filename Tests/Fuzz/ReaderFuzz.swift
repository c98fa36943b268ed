// libFuzzer target: any bytes through the CSV, TSV or JSONL reader (the first byte picks it),
// from a file, as --data reads them. Malformed rows are reported, never a crash.
// Built and run by Tests/Fuzz/run.sh, not by `swift build`.

import EVQ
import EVQStore
import Foundation

private let path = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/evq-fuzz-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func readerFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let format = FileFormat.allCases[Int(data[0]) % FileFormat.allCases.count]
    let file = path + "." + format.rawValue
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes: data + 1, count: size - 1))
    if let result = try? Ingest.load(paths: [file], tableName: "t") {
        let table = result.table
        for c in table.columns { for r in 0..<min(table.rowCount, 50) { _ = c.value(at: r) } }
        _ = Renderer.render(table, as: .csv)
    }
    return 0
}
