import Foundation

/// Derives the text a full-text index stores and the MATCH expression it is queried with.
///
/// Meant for an SQLite FTS5 table using the default `unicode61` tokenizer over a derived column:
/// the stored column is `ftsText(for: content)`, and a user's search string is turned into a
/// MATCH expression with `ftsQuery(for:)`. Both go through the same folding (`Tokenizer`) and
/// light stemming, so `zoe` finds `Zoë` and `allergies` finds `allergy`; CJK runs become
/// overlapping character bigrams, so a two-character query matches inside a longer run
/// (DESIGN.md §6, "Full-text speed and CJK").
public enum TextNormalizer {
    /// The derived full-text column for `content`: folded, stemmed words and CJK bigrams,
    /// separated by single spaces.
    ///
    /// A CJK run becomes its overlapping bigrams (`坚果过敏` → `坚果 果过 过敏`); a run of one
    /// character stays that character. Stopwords are kept, so a query made only of them can match.
    public static func ftsText(for content: String) -> String {
        var content = content
        if let ascii = content.withUTF8({ $0.allSatisfy { $0 < 0x80 } ? asciiFTSText($0) : nil }) { return ascii }
        return indexTerms(for: content).joined(separator: " ")
    }

    /// `ftsText(for:)` of pure ASCII text in one pass over its bytes: each word is folded and stemmed in
    /// a reused buffer and appended to the output, with no `String` or token per word (a full rebuild
    /// derives this for every memory). Equal to the general path by construction: the same word scanner
    /// as `Tokenizer.asciiTokens`, the same stemmer.
    static func asciiFTSText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        Tokenizer.forEachASCIIWord(bytes) { word in
            Stemmer.stem(&word)
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: word)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The terms of `ftsText(for:)`, in order (for callers keeping their own inverted index).
    public static func indexTerms(for content: String) -> [String] {
        var terms: [String] = []
        for token in Tokenizer.tokens(in: content) {
            switch token {
            case .word(let word): terms.append(Stemmer.stem(word))
            case .cjk(let run): terms.append(contentsOf: bigrams(of: run))
            case .emoji(let name): terms.append(name)
            }
        }
        return terms
    }

    /// A safe FTS5 MATCH expression for a user's search text, or nil when nothing searchable is left.
    ///
    /// Each distinct term is a quoted string and the terms are OR-ed (`"zoe" OR "peanut"`), so
    /// ranking is left to BM25. Stopwords are dropped unless nothing else remains. A CJK run
    /// becomes a phrase of its bigrams (`"坚果 果过"`), which matches exactly where the run occurs
    /// in a column built by `ftsText(for:)`; a single CJK character becomes the prefix query
    /// `"果"*`, which finds it alone or at the start of a bigram. Only letters, digits and CJK
    /// characters from the input ever reach the expression, always inside double quotes (doubled
    /// if one ever appeared), so no input can be read as FTS5 syntax (`OR`, `NEAR(`, `*`, `-`, `:`).
    public static func ftsQuery(for userQuery: String) -> String? {
        let phrases = queryPhrases(for: userQuery)
        guard !phrases.isEmpty else { return nil }
        return ftsQuery(phrases)
    }

    /// The MATCH expression that OR-s `phrases` (see `ftsQuery(for:)`).
    public static func ftsQuery(_ phrases: [Phrase]) -> String {
        phrases.map(\.matchExpression).joined(separator: " OR ")
    }

    /// One alternative of a query: consecutive terms that must appear in order.
    public struct Phrase: Hashable, Sendable {
        /// The indexed terms, as `ftsText(for:)` writes them.
        public var terms: [String]
        /// A single CJK character, matched as a prefix of the terms.
        public var isPrefix = false

        /// This alternative alone as a MATCH expression: its terms quoted (inner quotes doubled).
        public var matchExpression: String {
            let quoted = "\"" + terms.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return isPrefix ? quoted + "*" : quoted
        }
    }

    /// The distinct alternatives `ftsQuery(for:)` OR-s together, in query order.
    public static func queryPhrases(for userQuery: String) -> [Phrase] {
        var content: [Phrase] = []
        var stopwordsOnly: [Phrase] = []
        for token in Tokenizer.tokens(in: userQuery) {
            switch token {
            case .word(let word):
                let phrase = Phrase(terms: [Stemmer.stem(word)])
                if Stopwords.contains(word) { stopwordsOnly.append(phrase) } else { content.append(phrase) }
            case .cjk(let run):
                content.append(run.count == 1 ? Phrase(terms: [String(run[0])], isPrefix: true) : Phrase(terms: bigrams(of: run)))
            case .emoji(let name):
                content.append(Phrase(terms: [name]))
            }
        }
        var seen = Set<Phrase>()
        return (content.isEmpty ? stopwordsOnly : content).filter { seen.insert($0).inserted }
    }

    static func bigrams(of run: [Character]) -> [String] {
        guard run.count > 1 else { return run.map(String.init) }
        return (0 ..< run.count - 1).map { String(run[$0]) + String(run[$0 + 1]) }
    }
}
