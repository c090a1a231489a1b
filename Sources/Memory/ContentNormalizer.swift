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
        var text = text
        return text.withUTF8 { bytes in
            var ascii = true
            // Never longer than the input: each space written stands for at least one whitespace byte read.
            let folded = [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
                var written = 0
                var gap = false
                for byte in bytes {
                    guard byte < 0x80 else {
                        ascii = false
                        break
                    }
                    if byte == 0x20 || byte &- 0x09 <= 0x0D - 0x09 {
                        gap = true
                        continue
                    }
                    if gap && written > 0 {
                        out[written] = 0x20
                        written += 1
                    }
                    gap = false
                    out[written] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                    written += 1
                }
                count = ascii ? written : 0
            }
            return ascii ? folded : nil
        }
    }

    /// True when `text` has something besides whitespace.
    static func isBlank(_ text: String) -> Bool { text.allSatisfy { $0.isWhitespace } }
}
