import Crypto
import Foundation

/// The text rules of DESIGN.md §6: content is stored in NFC; duplicates compare by NFC + Unicode case
/// folding + collapsed whitespace.
enum ContentNormalizer {
    /// The NFC form of `text`, as it is stored and returned.
    static func stored(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }

    /// The duplicate-detection key of stored content.
    static func fingerprint(_ stored: String) -> String {
        let folded = stored.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
        let collapsed = folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return SHA256.hash(collapsed).hexString
    }

    /// True when `text` has something besides whitespace.
    static func isBlank(_ text: String) -> Bool { text.allSatisfy { $0.isWhitespace } }
}
