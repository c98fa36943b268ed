// Facts about the terminal: whether colour is allowed (a TTY, and NO_COLOR unset).

import Foundation

public enum Terminal {
    public static func colorAllowed(fd: Int32) -> Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(fd) != 0
    }
}
