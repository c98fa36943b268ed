// A stand-in for Ctrl-C in tests of interruption: a flag that turns true some time after its
// first look, so a test can say how soon after that the work stopped.

import Foundation
import Synchronization

public final class LateInterrupt: Sendable {
    private let start = Mutex<ContinuousClock.Instant?>(nil)
    public let after: Duration

    public init(after: Duration) { self.after = after }

    /// Whether to stop: false until `after` has passed since the first call.
    public func check() -> Bool {
        start.withLock { s in
            if s == nil { s = .now }
            return ContinuousClock.now - s! >= after
        }
    }

    /// Time since the first look (zero before it).
    public var elapsed: Duration { start.withLock { s in s.map { ContinuousClock.now - $0 } ?? .zero } }
}
