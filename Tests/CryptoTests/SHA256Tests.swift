import Foundation
import Testing
@testable import Crypto

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 example messages (NIST CSRC "SHA-256" examples and SHAVS short messages).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(message).hexString == expected)
        #expect(SHA256.hash(Array(message.utf8)).hexString == expected)
    }

    @Test func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hexString == expected)

        // Same message fed in uneven pieces that straddle block boundaries.
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        var fed = 0
        var size = 1
        while fed < 1_000_000 {
            let count = min(size, 1_000_000 - fed)
            hasher.update(piece[0..<count])
            fed += count
            size = size % 997 + 13
        }
        #expect(hasher.finalize().hexString == expected)
    }

    static let pattern: [UInt8] = (0..<131).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    /// Every prefix length 0…130 crosses each padding case (55/56/63/64/119/120 bytes); the
    /// expected value is SHA-256 over the concatenated prefix digests, computed with Python hashlib.
    @Test func everyPaddingLength() {
        var digests = [UInt8]()
        for length in 0...130 {
            digests += SHA256.hash(Self.pattern[0..<length])
        }
        #expect(SHA256.hash(digests).hexString == "b3d31aa6b4f0810cff11dc15fd1017d7ba047ad10e757b0e36ed68897e6d1851")
    }

    @Test func incrementalSplitAtEveryBoundary() {
        let message = Array(Self.pattern[0..<130])
        let oneShot = SHA256.hash(message)
        for split in 0...130 {
            var hasher = SHA256()
            hasher.update(message[0..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == oneShot, "split at \(split)")
        }
    }

    @Test func threeWaySplitsAndRawBuffers() {
        let message = Array(Self.pattern[0..<130])
        let oneShot = SHA256.hash(message)
        for first in stride(from: 0, through: 130, by: 5) {
            for second in stride(from: first, through: 130, by: 7) {
                var hasher = SHA256()
                message.withUnsafeBytes { bytes in
                    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<first]))
                    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[first..<second]))
                    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[second...]))
                }
                #expect(hasher.finalize() == oneShot, "splits at \(first), \(second)")
            }
        }
    }

    @Test func nonContiguousCollectionMatchesArray() {
        // Longer than the 1 KiB staging buffer so the slow path wraps around.
        let message = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let lazy = message.lazy.map { $0 }
        #expect(lazy.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(SHA256.hash(lazy) == SHA256.hash(message))
    }

    @Test func finalizeLeavesHasherUsable() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        let prefixDigest = hasher.finalize()
        #expect(hasher.finalize() == prefixDigest)
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize() == SHA256.hash("abc"))
        #expect(prefixDigest == SHA256.hash("ab"))
    }

    @Test func stringHashIsUTF8() {
        let text = "Zoë 記憶 🧠"
        #expect(SHA256.hash(text) == SHA256.hash(Array(text.utf8)))
        #expect(SHA256.hash(text).count == SHA256.digestSize)
    }

    // The SHA extensions and the portable loop: the same digests. `SHA256()` takes the extensions
    // where the CPU has them, so the tests above cover that path there; these cover the other one.

    static func portableDigest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256(portable: ())
        hasher.update(bytes)
        return hasher.finalize()
    }

    @Test func portablePathMatchesNISTVectors() {
        #expect(Self.portableDigest(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let a = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Self.portableDigest(a).hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func bothPathsAgreeOnEveryLengthToFiveBlocksAndOnRandomMessages() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...320 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(SHA256.hash(message) == Self.portableDigest(message), "length \(length)")
        }
        let long = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(SHA256.hash(long) == Self.portableDigest(long))
    }

    /// On a CPU whose flags list `sha_ni`, hashers must take the extensions (else the tests above
    /// would only ever check the portable loop here).
    @Test func cpusWithTheSHAExtensionsUseThem() throws {
        #if os(Linux) && arch(x86_64)
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(SHA256.hardwareAccelerated == flags.contains("sha_ni"))
        #endif
    }
}
