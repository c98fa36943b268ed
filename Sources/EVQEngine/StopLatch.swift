// A flag a parallel loop raises once it has seen a stop (Ctrl-C, a limit), so that the rest of
// its batch skips its work instead of finishing it: one relaxed load per item.

import Synchronization

final class StopLatch: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
