import Foundation

/// The uncased BERT tokenizer of all-MiniLM-L6-v2, reproducing Hugging Face `tokenizers`
/// (`BertNormalizer` + `BertPreTokenizer` + `WordPiece` + the `[CLS] … [SEP]` template) id for id.
///
/// The order of steps is the Rust library's, which is what sentence-transformers runs:
/// 1. the special tokens (`[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`, `[MASK]`) are cut out of the raw text
///    and kept as single ids, like the library's added-token matching;
/// 2. clean text: drop U+0000, U+FFFD and control/format/private-use scalars (except tab, newline,
///    carriage return), turn whitespace into a space;
/// 3. put spaces around CJK ideographs, so each becomes its own word;
/// 4. NFD, then drop nonspacing marks (accent stripping follows lower-casing when unset);
/// 5. lower-case scalar by scalar;
/// 6. split on whitespace and around every punctuation scalar (all ASCII symbols count);
/// 7. greedy longest-match WordPiece with `##` continuations; a word of more than 100 scalars,
///    or one that cannot be covered, becomes `[UNK]`.
///
/// Everything works on Unicode scalars, never on `Character`s: Swift's grapheme clusters merge
/// `\r\n` and treat canonically equivalent strings as equal, and the reference does neither. For
/// the same reason vocabulary keys compare by UTF-8 bytes, not with `String.==`.
struct WordPieceTokenizer: Sendable {
    /// A vocabulary entry compared and hashed by its exact UTF-8 bytes.
    private struct Key: Hashable {
        let text: String
        static func == (lhs: Key, rhs: Key) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }
        func hash(into hasher: inout Hasher) {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    private let vocabulary: [Key: Int32]
    /// Per id, whether the vocabulary entry is a `##` continuation piece.
    private let continuation: [Bool]
    /// Special tokens recognised verbatim in the raw text, longest first.
    private let specialTokens: [(text: [Unicode.Scalar], id: Int32)]
    let classifierID: Int32
    let separatorID: Int32
    let unknownID: Int32
    /// Number of entries; every id produced is below it.
    let count: Int
    private static let maxScalarsPerWord = 100

    /// Loads `vocab.txt`: one token per line, the line number being the id.
    ///
    /// - Throws: `.missingFile`, `.unreadableFile` or `.badVocabulary`.
    init(vocabularyFile path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MiniLMError(.missingFile, file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MiniLMError(.unreadableFile, file: path)
        }
        // Split on "\n" bytes only: a Character-based split would treat "\r\n" as one separator.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var vocabulary: [Key: Int32] = [:]
        vocabulary.reserveCapacity(lines.count)
        var continuation: [Bool] = []
        continuation.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            guard let token = String(validating: line, as: UTF8.self) else {
                throw MiniLMError(.badVocabulary, file: path, detail: "line \(index + 1) is not valid UTF-8")
            }
            if vocabulary[Key(text: token)] == nil {
                vocabulary[Key(text: token)] = Int32(index)
            }
            continuation.append(token.hasPrefix("##"))
        }
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[Key(text: token)] else {
                throw MiniLMError(.badVocabulary, file: path, detail: "no \(token) entry")
            }
            return id
        }
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        unknownID = try id("[UNK]")
        specialTokens = try ["[MASK]", "[CLS]", "[SEP]", "[PAD]", "[UNK]"].map { (Array($0.unicodeScalars), try id($0)) }
        self.vocabulary = vocabulary
        self.continuation = continuation
        count = lines.count
    }

    /// `[CLS] pieces [SEP]`, the pieces cut so that the whole is at most `maxLength` ids.
    func encode(_ text: String, maxLength: Int) -> [Int32] {
        let pieces = wordPieces(text)
        let kept = max(0, min(pieces.count, maxLength - 2))
        return [classifierID] + pieces[..<kept] + [separatorID]
    }

    /// Whether `id` is a `##` piece that continues the previous word.
    func isContinuation(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < continuation.count && continuation[Int(id)]
    }

    /// The word-piece ids of `text`, without special tokens around them and without truncation.
    func wordPieces(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var segment: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "[", let special = specialToken(in: scalars, at: index) {
                appendPieces(of: segment, to: &ids)
                segment.removeAll(keepingCapacity: true)
                ids.append(special.id)
                index += special.length
            } else {
                segment.append(scalars[index])
                index += 1
            }
        }
        appendPieces(of: segment, to: &ids)
        return ids
    }

    private func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> (id: Int32, length: Int)? {
        for token in specialTokens where index + token.text.count <= scalars.count {
            if scalars[index..<(index + token.text.count)].elementsEqual(token.text) {
                return (token.id, token.text.count)
            }
        }
        return nil
    }

    private func appendPieces(of segment: [Unicode.Scalar], to ids: inout [Int32]) {
        guard !segment.isEmpty else { return }
        for word in Self.words(Self.normalize(segment)) {
            appendWordPieces(of: word, to: &ids)
        }
    }

    /// Steps 2–5: clean text, CJK spacing, NFD without nonspacing marks, lower case.
    static func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var text = String(cleaned)
        if !text.unicodeScalars.allSatisfy({ $0.isASCII }) {
            text = text.decomposedStringWithCanonicalMapping
        }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                result.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
                continue
            }
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return result
    }

    /// Step 6: whitespace separates words and is dropped; each punctuation scalar is a word.
    static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start: Int?
        for (index, scalar) in scalars.enumerated() {
            if isWhitespace(scalar) {
                if let begin = start { words.append(scalars[begin..<index]) }
                start = nil
            } else if isPunctuation(scalar) {
                if let begin = start { words.append(scalars[begin..<index]) }
                words.append(scalars[index...index])
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let begin = start { words.append(scalars[begin...]) }
        return words
    }

    /// Step 7: greedy longest match from the left; any uncovered remainder makes the word `[UNK]`.
    private func appendWordPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        guard word.count <= Self.maxScalarsPerWord else {
            ids.append(unknownID)
            return
        }
        let firstPiece = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found: Int32?
            while start < end {
                var candidate = start > word.startIndex ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[Key(text: candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }

    /// `tokenizers`' control test: any "Other" category (Cc, Cf, Co) except tab, newline, return.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Rust's `char::is_whitespace` (the Unicode White_Space property) plus tab, newline, return.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Every ASCII symbol (`$`, `_`, `` ` ``, `^`, …) plus the Unicode `P*` categories.
    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK ideograph blocks of `tokenizers`' `is_chinese_char`, including its 0x2B920 start for
    /// Extension E (Python's `BertTokenizer` says 0x2B820). Kana and Hangul are not included.
    private static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
