// The cell texts that mean "missing" in exports (`NA` from R, `NULL` from SQL dumps, `NaN`
// from pandas): matched exactly, byte for byte, before a cell is stored.

/// A small set of byte strings checked against every non-empty CSV cell.
struct NullTokens: Sendable {
    private let tokens: [[UInt8]]
    /// Longer cells cannot match, so most cells cost one comparison.
    private let longest: Int

    init(_ tokens: [String]) {
        self.tokens = tokens.map { Array($0.utf8) }.filter { !$0.isEmpty }
        longest = self.tokens.map(\.count).max() ?? 0
    }

    @inline(__always)
    func matches(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cell.count <= longest else { return false }
        for t in tokens where t.count == cell.count {
            if t.withUnsafeBufferPointer({ ByteInterner.bytesEqual($0.baseAddress, cell.baseAddress, cell.count) }) {
                return true
            }
        }
        return false
    }
}
