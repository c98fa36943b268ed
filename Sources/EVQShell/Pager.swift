// `.pager on`: a result taller than the screen is shown through the user's pager ($PAGER, else
// `less -S`, which keeps wide lines unwrapped and scrolls sideways), as git and psql do.

import Foundation

enum Pager {
    /// The pager's command line: `$PAGER` when set, else `less -S`.
    static func command(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = env["PAGER"], !p.trimmingCharacters(in: .whitespaces).isEmpty { return p }
        return "less -S"
    }

    /// Shows `text` through the pager and waits for it to end. Returns an error text when the pager could not start.
    static func show(_ text: String, command: String = command()) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let input = Pipe()
        p.standardInput = input
        do {
            try p.run()
        } catch {
            return "cannot start the pager '\(command)': \(error.localizedDescription)"
        }
        // The pager may quit before reading everything (q in less): a write to the closed pipe must not kill us.
        signal(SIGPIPE, SIG_IGN)
        let handle = input.fileHandleForWriting
        try? handle.write(contentsOf: Data(text.utf8))
        try? handle.close()
        p.waitUntilExit()
        return nil
    }
}
