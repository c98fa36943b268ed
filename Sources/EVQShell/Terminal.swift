// Facts about the terminal: whether colour is allowed (a TTY, and NO_COLOR unset).

import Foundation

public enum Terminal {
    public static func colorAllowed(fd: Int32) -> Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(fd) != 0
    }
}

extension Terminal {
    /// Columns of the terminal on `fd`, else `$COLUMNS`, else 80.
    public static func width(fd: Int32 = 1) -> Int {
        var size = winsize()
        if isatty(fd) != 0, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
        return 80
    }

    /// Whether the locale says output is UTF-8 (LC_ALL, then LC_CTYPE, then LANG).
    public static func isUTF8() -> Bool {
        let env = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let v = env[key], !v.isEmpty {
                let l = v.lowercased()
                return l.contains("utf-8") || l.contains("utf8")
            }
        }
        return false
    }
}

extension Terminal {
    /// Rows of the terminal on `fd`, else `$LINES`, else 24.
    public static func height(fd: Int32 = 1) -> Int {
        var size = winsize()
        if isatty(fd) != 0, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        if let c = ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init), c > 0 { return c }
        return 24
    }
}
