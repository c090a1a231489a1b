import Testing
import Crypto

@Suite("Constant-time comparison")
struct ConstantTimeTests {
    @Test func equalSequences() {
        let digest = SHA256.hash("token")
        #expect(constantTimeEquals(digest, SHA256.hash("token")))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(constantTimeEquals(digest, digest[...]))
    }

    @Test(arguments: [0, 1, 15, 31])
    func anySingleBitDifferenceIsUnequal(index: Int) {
        let digest = SHA256.hash("token")
        for bit in 0..<8 {
            var other = digest
            other[index] ^= 1 << bit
            #expect(!constantTimeEquals(digest, other))
        }
    }

    @Test func differentLengthsAreUnequal() {
        let digest = SHA256.hash("token")
        #expect(!constantTimeEquals(digest, digest.dropLast()))
        #expect(!constantTimeEquals(digest.prefix(0), digest))
        #expect(!constantTimeEquals([UInt8](), [0]))
    }
}
