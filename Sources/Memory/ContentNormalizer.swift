import Crypto
import Foundation

/// The text rules of DESIGN.md §6: content is stored in NFC; duplicates compare by NFC + Unicode case
/// folding + collapsed whitespace.
enum ContentNormalizer {
    /// The NFC form of `text`, as it is stored and returned.
    static func stored(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }

    /// The duplicate-detection key of stored content.
    static func fingerprint(_ stored: String) -> String {
        if let ascii = asciiFolded(stored) { return hex(SHA256.hash(ascii)) }
        let folded = stored.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
        let collapsed = folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return hex(SHA256.hash(collapsed))
    }

    /// Lowercase hexadecimal of a digest, the same text as `hexString`, written straight into the
    /// string's storage: the generic `hexString` was a visible share of a rebuild.
    static func hex(_ digest: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: digest.count * 2) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let table = digits.utf8Start
            for (i, byte) in digest.enumerated() {
                buffer[2 * i] = table[Int(byte >> 4)]
                buffer[2 * i + 1] = table[Int(byte & 0x0F)]
            }
            return digest.count * 2
        }
    }

    /// The fingerprint input of pure-ASCII text without Foundation: for ASCII, case folding is A–Z → a–z,
    /// NFC changes nothing and whitespace is 0x09–0x0D and 0x20; the result equals the general path's.
    static func asciiFolded(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var gap = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                gap = true
                continue
            }
            if gap && !out.isEmpty { out.append(0x20) }
            gap = false
            out.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        return out
    }

    /// True when `text` has something besides whitespace.
    static func isBlank(_ text: String) -> Bool { text.allSatisfy { $0.isWhitespace } }
}
