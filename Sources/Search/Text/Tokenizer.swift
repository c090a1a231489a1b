import Foundation

/// Splits text into the tokens that both the full-text side and the built-in embedder see.
///
/// Folding is deliberately simple and fixed, because the same function runs when a memory is
/// indexed and when it is searched, possibly years apart: lower-casing, removal of Latin/Greek/
/// Cyrillic accents (`Zoë` → `zoe`), a few letters without a decomposition (`ß` → `ss`), and
/// apostrophes joined or dropped (`don't` → `dont`, `Dana's` → `dana`). CJK text (Han, kana,
/// Hangul) comes out as runs, which callers split into characters and bigrams, since those
/// scripts do not separate words by spaces. An emoji becomes a token of its own (`emoji1f95c`),
/// so that "🥜" can be searched. Everything else (punctuation, symbols, spaces) separates tokens.
struct Tokenizer {
    /// One unit of text after folding.
    enum Token: Equatable, Sendable {
        /// A folded word of letters, digits and marks (not stemmed).
        case word(String)
        /// A run of consecutive CJK characters, in order.
        case cjk([Character])
        /// An emoji, named by its first scalar (`emoji1f95c`).
        case emoji(String)
    }

    /// The tokens of `text`, in order.
    static func tokens(in text: String) -> [Token] {
        var text = text
        if let ascii = text.withUTF8({ $0.allSatisfy { $0 < 0x80 } ? asciiTokens($0) : nil }) { return ascii }
        return generalTokens(in: text)
    }

    /// The same tokens as `generalTokens(in:)` for pure ASCII text, without grapheme breaking
    /// or Unicode tables: most memories are ASCII, and this is several times faster.
    static func asciiTokens(_ bytes: UnsafeBufferPointer<UInt8>) -> [Token] {
        var tokens: [Token] = []
        forEachASCIIWord(bytes) { tokens.append(.word(String(decoding: $0, as: UTF8.self))) }
        return tokens
    }

    /// Calls `body` with the folded bytes of each word of pure ASCII text, in order: the words of
    /// `asciiTokens(_:)` (ASCII text has only words), without a `String` per word. The buffer is
    /// reused between calls; `body` may change it (stem it in place).
    static func forEachASCIIWord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout [UInt8]) -> Void) {
        @inline(__always) func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
        }
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if isWord(byte) {
                word.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            } else if byte == 0x27, !word.isEmpty, index + 1 < count, isWord(bytes[index + 1]) {
                // As in the general path: drop a final possessive "'s", else join ("don't").
                if bytes[index + 1] | 0x20 == 0x73, index + 2 >= count || !isWord(bytes[index + 2]) { index += 1 }
            } else if !word.isEmpty {
                body(&word)
                word.removeAll(keepingCapacity: true)
            }
            index += 1
        }
        if !word.isEmpty { body(&word) }
    }

    static func generalTokens(in text: String) -> [Token] {
        var tokens: [Token] = []
        var word = ""
        var cjkRun: [Character] = []
        let characters = Array(text.lowercased())

        func flushWord() {
            guard !word.isEmpty else { return }
            tokens.append(.word(word))
            word = ""
        }
        func flushCJK() {
            guard !cjkRun.isEmpty else { return }
            tokens.append(.cjk(cjkRun))
            cjkRun = []
        }

        var index = 0
        while index < characters.count {
            let character = characters[index]
            defer { index += 1 }
            let kind = classify(character)
            switch kind {
            case .cjk:
                flushWord()
                cjkRun.append(character)
            case .word:
                flushCJK()
                appendFolded(character, to: &word)
            case .apostrophe:
                flushCJK()
                // Inside a word: a trailing possessive "'s" is dropped, otherwise the apostrophe
                // just disappears ("don't" → "dont"). Anywhere else it separates.
                guard !word.isEmpty, index + 1 < characters.count, classify(characters[index + 1]) == .word else {
                    flushWord()
                    continue
                }
                if characters[index + 1] == "s",
                   index + 2 >= characters.count || classify(characters[index + 2]) != .word {
                    index += 1
                }
            case .emoji:
                flushWord()
                flushCJK()
                let scalar = character.unicodeScalars.first!
                tokens.append(.emoji("emoji" + String(scalar.value, radix: 16)))
            case .separator:
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
        return tokens
    }

    enum Kind: Equatable { case word, cjk, apostrophe, emoji, separator }

    static func classify(_ character: Character) -> Kind {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if first.isASCII {
            switch first.value {
            case 0x30...0x39, 0x61...0x7A, 0x41...0x5A: return .word
            case 0x27: return .apostrophe
            default:
                // Keycap sequences ("1️⃣") start with an ASCII digit and were handled above.
                return .separator
            }
        }
        if first.value == 0x2019 { return .apostrophe }
        if isCJK(first) { return .cjk }
        let properties = first.properties
        if properties.isEmojiPresentation || (properties.isEmoji && scalars.count > 1 && scalars.contains { $0.value == 0xFE0F || $0.value == 0x200D }) {
            return .emoji
        }
        if properties.isAlphabetic { return .word }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark:
            return .word
        default:
            return .separator
        }
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2FFFF, 0xF900...0xFAFF: return true // Han
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return true // kana
        case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F: return true // Hangul
        case 0x3005, 0x3006, 0x3007: return true // 々 〆 〇
        default: return false
        }
    }

    /// Appends a lower-cased word character without its accents.
    private static func appendFolded(_ character: Character, to word: inout String) {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, scalar.isASCII {
            word.unicodeScalars.append(scalar)
            return
        }
        for scalar in scalars {
            if let replacement = specialFolds[scalar.value] {
                word += replacement
                continue
            }
            // Latin, Greek and Cyrillic letters: strip combining accents after decomposition.
            // Other scripts keep their marks, which are part of their letters.
            if (0x00C0...0x04FF).contains(scalar.value) || (0x1E00...0x1FFF).contains(scalar.value) {
                for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                where !(0x0300...0x036F).contains(part.value) {
                    word.unicodeScalars.append(part)
                }
            } else if (0x0300...0x036F).contains(scalar.value) {
                continue
            } else {
                word.unicodeScalars.append(scalar)
            }
        }
    }

    /// Letters that have no canonical decomposition but that people type without the accent.
    private static let specialFolds: [UInt32: String] = [
        0x00DF: "ss", 0x00E6: "ae", 0x0153: "oe", 0x00F8: "o", 0x0142: "l",
        0x0111: "d", 0x00F0: "d", 0x00FE: "th", 0x0131: "i", 0x1E9E: "ss",
    ]
}
