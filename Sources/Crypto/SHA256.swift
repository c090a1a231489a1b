import CSHA256

/// SHA-256 as specified in FIPS 180-4 §6.2, usable one-shot or incrementally.
///
/// The ledger hashes every event envelope and payload with it, so the partial block lives inline in
/// the value: hashing never allocates except for the 32-byte result. Blocks are compressed with the
/// CPU's SHA extensions where it has them (about four times faster), else by the portable loop
/// below, which works on raw pointers with wrapping arithmetic. The value is a plain copyable
/// struct, so `finalize()` can leave the hasher untouched and a common prefix can be hashed once
/// and copied.
public struct SHA256: Sendable {
    /// Size in bytes of one compression block.
    public static let blockSize = 64
    /// Size in bytes of a digest.
    public static let digestSize = 32

    private var h0: UInt32 = 0x6a09_e667
    private var h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372
    private var h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f
    private var h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab
    private var h7: UInt32 = 0x5be0_cd19

    /// Pending bytes of an incomplete block; inline storage so the struct needs no heap buffer.
    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0)
    /// Number of valid bytes at the start of `block` (always < 64 between calls).
    private var blockFill: Int = 0
    /// Total message length in bytes; the padding encodes it in bits modulo 2^64.
    private var totalLength: UInt64 = 0

    /// Whether blocks go to the SHA extensions; both paths give the same digests.
    private let accelerated: Bool

    /// True when this CPU has the SHA extensions, which every hasher then uses.
    public static let hardwareAccelerated = memledger_sha256_ni_available() != 0

    /// Creates a hasher in the FIPS 180-4 §5.3.3 initial state.
    public init() { accelerated = Self.hardwareAccelerated }

    /// A hasher that uses the portable compression loop even where the SHA extensions exist (tests
    /// compare the two paths).
    init(portable: Void) { accelerated = false }

    /// Feeds bytes from any collection; contiguous collections take the pointer fast path.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled != nil { return }
        // Non-contiguous input (a lazy map, a linked structure…): stage it one block at a time.
        withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 8) { staging in
            var count = 0
            for byte in bytes {
                staging[count] = byte
                count += 1
                if count == staging.count {
                    update(UnsafeRawBufferPointer(staging))
                    count = 0
                }
            }
            update(UnsafeRawBufferPointer(rebasing: staging[0..<count]))
        }
    }

    /// Feeds the bytes of a raw buffer: whole blocks are compressed straight from it.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var input = buffer.baseAddress, buffer.count > 0 else { return }
        var remaining = buffer.count
        totalLength &+= UInt64(remaining)

        if blockFill > 0 {
            let take = min(Self.blockSize - blockFill, remaining)
            let fill = blockFill
            withUnsafeMutableBytes(of: &block) { pending in
                pending.baseAddress!.advanced(by: fill).copyMemory(from: input, byteCount: take)
            }
            blockFill += take
            input += take
            remaining -= take
            guard blockFill == Self.blockSize else { return }
            var copy = block
            withUnsafeBytes(of: &copy) { compress(blocks: $0.baseAddress!, count: 1) }
            blockFill = 0
        }

        let wholeBlocks = remaining / Self.blockSize
        if wholeBlocks > 0 {
            compress(blocks: input, count: wholeBlocks)
            input += wholeBlocks * Self.blockSize
            remaining -= wholeBlocks * Self.blockSize
        }

        if remaining > 0 {
            withUnsafeMutableBytes(of: &block) { pending in
                pending.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            blockFill = remaining
        }
    }

    /// Returns the 32-byte digest of everything fed so far, leaving the hasher unchanged.
    ///
    /// Padding follows FIPS 180-4 §5.1.1: a single 1 bit, zeros, then the bit length big-endian.
    public func finalize() -> [UInt8] {
        var hasher = self
        let bitLength = hasher.totalLength &* 8
        // One 0x80 byte, then zeros until 8 bytes short of a block boundary, then the length.
        let padLength = (hasher.blockFill < 56 ? 56 : 120) - hasher.blockFill
        var tail: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                   UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tail) { bytes in
            bytes[0] = 0x80
            bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: padLength, as: UInt64.self)
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<(padLength + 8)]))
        }
        return [UInt8](unsafeUninitializedCapacity: Self.digestSize) { digest, initialized in
            let words = [hasher.h0, hasher.h1, hasher.h2, hasher.h3,
                         hasher.h4, hasher.h5, hasher.h6, hasher.h7]
            for (index, word) in words.enumerated() {
                digest[index * 4] = UInt8(truncatingIfNeeded: word >> 24)
                digest[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
                digest[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
                digest[index * 4 + 3] = UInt8(truncatingIfNeeded: word)
            }
            initialized = Self.digestSize
        }
    }

    /// Returns the SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        var hasher = SHA256()
        var string = string
        string.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    /// Round constants, FIPS 180-4 §4.2.2.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Applies the compression function (FIPS 180-4 §6.2.2) to `count` consecutive 64-byte blocks.
    private mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        guard accelerated else { return compressPortably(blocks: blocks, count: count) }
        var state = (h0, h1, h2, h3, h4, h5, h6, h7)
        withUnsafeMutableBytes(of: &state) { words in
            memledger_sha256_compress_ni(
                words.baseAddress!.assumingMemoryBound(to: UInt32.self), blocks.assumingMemoryBound(to: UInt8.self), count)
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = state
    }

    private mutating func compressPortably(blocks: UnsafeRawPointer, count: Int) {
        Self.roundConstants.withUnsafeBufferPointer { constants in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                let k = constants.baseAddress!
                let w = schedule.baseAddress!
                var a0 = h0, b0 = h1, c0 = h2, d0 = h3, e0 = h4, f0 = h5, g0 = h6, h = h7
                var block = blocks
                for _ in 0..<count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t &- 15], y = w[t &- 2]
                        let s0 = x.rotatedRight(7) ^ x.rotatedRight(18) ^ (x >> 3)
                        let s1 = y.rotatedRight(17) ^ y.rotatedRight(19) ^ (y >> 10)
                        w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
                    }
                    var a = a0, b = b0, c = c0, d = d0, e = e0, f = f0, g = g0, hh = h
                    // Unrolled by eight with rotated arguments, so the working variables never
                    // shuffle between registers (about a quarter of the instructions otherwise).
                    var t = 0
                    while t < 64 {
                        round(a, b, c, &d, e, f, g, &hh, k[t] &+ w[t])
                        round(hh, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
                        round(g, hh, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
                        round(f, g, hh, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
                        round(e, f, g, &hh, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
                        round(d, e, f, &g, hh, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
                        round(c, d, e, &f, g, hh, a, &b, k[t &+ 6] &+ w[t &+ 6])
                        round(b, c, d, &e, f, g, hh, &a, k[t &+ 7] &+ w[t &+ 7])
                        t &+= 8
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    e0 &+= e; f0 &+= f; g0 &+= g; h &+= hh
                    block += Self.blockSize
                }
                h0 = a0; h1 = b0; h2 = c0; h3 = d0; h4 = e0; h5 = f0; h6 = g0; h7 = h
            }
        }
    }
}

/// One SHA-256 round (FIPS 180-4 §6.2.2 step 3) written in place: instead of shifting all eight
/// working variables, only `d` and `h` change and the caller rotates the argument order.
@inline(__always)
private func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ constantPlusWord: UInt32
) {
    let sigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
    let choose = g ^ (e & (f ^ g))
    let t1 = h &+ sigma1 &+ choose &+ constantPlusWord
    let sigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
    let majority = (a & b) | (c & (a | b))
    d &+= t1
    h = t1 &+ sigma0 &+ majority
}

extension UInt32 {
    /// Circular right shift (FIPS 180-4 §3.2 ROTR); the masking shifts let it compile to a single `ror`.
    @inline(__always)
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self &>> count) | (self &<< (32 &- count))
    }
}
