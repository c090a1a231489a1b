import Crypto
import Foundation

/// The text rules of DESIGN.md §6: content is stored in NFC; duplicates compare by NFC + Unicode case
/// folding + collapsed whitespace.
enum ContentNormalizer {
    /// The NFC form of `text`, as it is stored and returned.
    static func stored(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }

    /// The duplicate-detection key of stored content: the SHA-256 digest of its folded form.
    static func fingerprint(_ stored: String) -> [UInt8] {
        if let ascii = asciiFolded(stored) { return SHA256.hash(ascii) }
        let folded = stored.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
        let collapsed = folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return SHA256.hash(collapsed)
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
