/// SplitMix64: a reproducible generator, so a failing test fails the same way every run.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [-1, 1).
    mutating func signedUnit() -> Float {
        Float(Int64(bitPattern: next()) >> 40) / Float(1 << 23)
    }

    /// A vector with uniform components in [-1, 1).
    mutating func vector(_ dimension: Int) -> [Float] {
        var vector = [Float]()
        vector.reserveCapacity(dimension)
        for _ in 0 ..< dimension { vector.append(signedUnit()) }
        return vector
    }
}
