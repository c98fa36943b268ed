// The interactive prompt. Placeholder until the prompt lands: reads lines and runs them.

import EVQ
import Foundation

public enum Prompt {
    public static func run(session: Session, loadInit: Bool) -> Int32 {
        let runner = ScriptRunner(session: session, output: FileSink.standardOutput, errors: FileSink.standardError, color: Terminal.colorAllowed(fd: 2))
        while true {
            FileSink.standardOutput.write("evq> ")
            guard let line = readLine() else { return 0 }
            _ = runner.run(line, name: "<prompt>")
        }
    }
}
