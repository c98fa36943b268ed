// Why an input path cannot be read, in words that name the real cause: reading a FIFO or
// /dev/zero would block or never end, and "permission denied" or "no such file" would mislead.

import Foundation

public enum InputFile {
    /// Nil when `path` is a readable regular file (links followed); otherwise the reason, such
    /// as "is a directory" or "not a regular file (a FIFO)".
    public static func problem(_ path: String) -> String? {
        var s = stat()
        guard stat(path, &s) == 0 else { return String(cString: strerror(errno)).lowercased() }
        switch s.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "is a directory"
        case S_IFIFO: return "not a regular file (a FIFO)"
        case S_IFCHR, S_IFBLK: return "not a regular file (a device)"
        case S_IFSOCK: return "not a regular file (a socket)"
        default: return "not a regular file"
        }
        return access(path, R_OK) == 0 ? nil : String(cString: strerror(errno)).lowercased()
    }

    /// Whether `path` names nothing at all (as opposed to something unreadable).
    public static func isMissing(_ path: String) -> Bool {
        var s = stat()
        return stat(path, &s) != 0 && errno == ENOENT
    }
}
