/// Compares two byte sequences in time that depends only on their lengths, not their contents.
///
/// Checking a presented token or MAC with `==` stops at the first differing byte, and the timing
/// reveals how long a prefix matched. Lengths are not secret here (digests have a fixed size), so
/// unequal lengths return `false` at once.
/// - Returns: `true` when both hold the same bytes in the same order.
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) {
        difference |= x ^ y
    }
    return difference == 0
}
