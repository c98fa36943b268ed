// One writer at a time: an exclusive flock on `LOCK`, which also holds the writer's pid so
// that a second writer can say who holds it. The kernel drops the lock when the process
// ends, however it ends (kill -9 included), so a crash never leaves a store locked.

import Foundation

final class StoreLock {
    private let fd: Int32

    /// Takes the lock of the store at `dir`, or throws `.locked` naming the holder.
    init(_ dir: String) throws(StoreError) {
        let path = dir + "/LOCK"
        fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.system(path, "open") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw StoreError.locked(store: dir, pid: holder)
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
    }

    deinit {
        ftruncate(fd, 0)
        close(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
