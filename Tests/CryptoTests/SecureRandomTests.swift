import Testing
import Crypto

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 257, 4096])
    func bytesHaveRequestedLength(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func bytesAreDistinct() {
        let samples = (0..<50).map { _ in SecureRandom.bytes(16) }
        #expect(Set(samples.map(\.hexString)).count == samples.count)
    }

    /// A broken source (all zeros, a short cycle, an unfilled buffer) fails this; a working one
    /// misses some byte value in 64 KiB with probability about 256·e⁻²⁵⁶.
    @Test func everyByteValueAppears() {
        let sample = SecureRandom.bytes(65_536)
        #expect(Set(sample).count == 256)
    }

    @Test func tokenIsPrefixPlusBase64URL() throws {
        let token = SecureRandom.token(prefix: "mlk_")
        #expect(token.hasPrefix("mlk_"))
        let decoded = try #require(Base64URL.decode(String(token.dropFirst(4))))
        #expect(decoded.count == 32)
        #expect(SecureRandom.token(prefix: "t_", byteCount: 9).count == 2 + 12)
        #expect(SecureRandom.token(prefix: "mlk_") != token)
    }

    /// Checks the 8-4-4-4-12 lowercase layout, version nibble and RFC 9562 variant bits.
    private func checkLayout(_ uuid: String, version: Character) {
        let groups = uuid.split(separator: "-", omittingEmptySubsequences: false)
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(uuid)")
        #expect(uuid.allSatisfy { "0123456789abcdef-".contains($0) }, "\(uuid)")
        #expect(groups.count == 5 && groups[2].first == version, "\(uuid)")
        #expect(groups.count == 5 && "89ab".contains(groups[3].first ?? "x"), "\(uuid)")
    }

    @Test func uuidV4() {
        let ids = (0..<100).map { _ in SecureRandom.uuid() }
        for id in ids { checkLayout(id, version: "4") }
        #expect(Set(ids).count == ids.count)
    }

    @Test func uuidV7CarriesTimestamp() {
        let milliseconds: UInt64 = 0x0189_1234_5678
        let id = SecureRandom.uuidV7(unixMilliseconds: milliseconds)
        checkLayout(id, version: "7")
        #expect(id.hasPrefix("01891234-5678-7"))
        let later = SecureRandom.uuidV7(unixMilliseconds: milliseconds + 1)
        #expect(later > id)
        checkLayout(SecureRandom.uuidV7(), version: "7")
    }
}
