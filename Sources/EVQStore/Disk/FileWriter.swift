// Writes a new file with POSIX calls, so that a full disk or a failed fsync is an error
// naming the file, never a crash; `durable()` makes it survive a power cut.

import Foundation

struct FileWriter {
    let path: String
    private let fd: Int32
    private(set) var offset = 0

    /// Creates `path` (it must not exist: store files are never rewritten in place).
    init(creating path: String) throws(StoreError) {
        self.path = path
        fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.system(path, "create") }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.system(path, "write")
            }
            done += n
        }
        offset += bytes.count
    }

    mutating func write(_ bytes: [UInt8]) throws(StoreError) {
        let failure = bytes.withUnsafeBytes { b in Result { () throws(StoreError) in try write(b) } }
        try failure.get()
    }

    /// Zero bytes up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) throws(StoreError) {
        let gap = (alignment - offset % alignment) % alignment
        if gap > 0 { try write([UInt8](repeating: 0, count: gap)) }
    }

    mutating func seekAndWrite(_ bytes: [UInt8], at position: Int) throws(StoreError) {
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, off_t(position)) }
        guard n == bytes.count else { throw StoreError.system(path, "write") }
    }

    /// fsync, then close.
    func durable() throws(StoreError) {
        guard fsync(fd) == 0 else {
            let e = StoreError.system(path, "fsync")
            close(fd)
            throw e
        }
        guard close(fd) == 0 else { throw StoreError.system(path, "close") }
    }

    /// Closes without syncing (the file is about to be removed).
    func abandon() {
        close(fd)
        unlink(path)
    }

    /// fsync of a directory, so that a rename or a new file in it is on disk.
    static func syncDirectory(_ dir: String) throws(StoreError) {
        let fd = Foundation.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.system(dir, "open") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError.system(dir, "fsync") }
    }
}
