/// FNV-1a, 64-bit, followed by MurmurHash3's `fmix64` finaliser.
///
/// A fixed function rather than Swift's `Hasher`, which is seeded per process: feature indices
/// of the built-in embedder must be identical in every process and every release, because its
/// vectors are stored. The finaliser spreads FNV's weak low bits before they are reduced modulo
/// the dimension. Offset basis 0xcbf29ce484222325, prime 0x100000001b3 (FNV spec, draft-eastlake-fnv).
enum FNV1a {
    static func hash64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Continues a hash with more bytes, for features sharing a prefix.
    @inline(__always)
    static func feed(_ hash: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func mixed(_ string: String) -> UInt64 {
        finalise(hash64(string.utf8))
    }

    /// MurmurHash3's `fmix64`.
    @inline(__always)
    static func finalise(_ hash: UInt64) -> UInt64 {
        var h = hash
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
