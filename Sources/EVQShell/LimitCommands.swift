// `.timeout` and `.max_memory`: the prompt's way to set the per-query limits of --timeout
// and --max-memory (see QueryLimits); with no argument they show the current value.

import EVQ

enum LimitCommands {
    static func timeout(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let text = args.first else {
            state.output.write("timeout: \(state.session.limits.seconds.map { "\($0) s" } ?? "off")\n")
            return
        }
        guard args.count == 1, let v = QueryLimits.parseSeconds(text) else { throw DotCommandError("usage: .timeout TIME (30s, 2m, 500ms; 0 or off for none)") }
        state.session.limits.seconds = v
    }

    static func maxMemory(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let text = args.first else {
            state.output.write("max_memory: \(state.session.limits.memoryBytes.map(QueryLimits.describe(bytes:)) ?? "off")\n")
            return
        }
        guard args.count == 1, let v = QueryLimits.parseBytes(text) else { throw DotCommandError("usage: .max_memory SIZE (512M, 2G; 0 or off for none)") }
        state.session.limits.memoryBytes = v
    }
}
