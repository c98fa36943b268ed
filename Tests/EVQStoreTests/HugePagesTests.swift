// Buffers of 64 MB and more are advised into huge pages (`HugePages`): the advice covers
// only whole 2 MB pages inside the buffer, and the buffer's contents are unchanged by it.
import Testing
@testable import EVQStore

@Suite struct HugePagesTests {
    @Test func largeBuffersKeepTheirContents() {
        let n = (HugePages.threshold / 8) + 12_345
        let buffer = ColumnBuffer<UInt64>(unsafeUninitializedCount: n) { out in
            for k in 0..<n { out[k] = UInt64(k) &* 0x9E37_79B9_7F4A_7C15 }
        }
        #expect(buffer[0] == 0 && buffer[n - 1] == UInt64(n - 1) &* 0x9E37_79B9_7F4A_7C15)
        var array: [UInt32] = [7]
        array.reserveRoom(for: HugePages.threshold / 4 + 1)
        #expect(array.capacity * 4 >= HugePages.threshold && array == [7])
        array.append(contentsOf: 0..<1_000_000)
        #expect(array.count == 1_000_001 && array[1_000_000] == 999_999)
    }
}
