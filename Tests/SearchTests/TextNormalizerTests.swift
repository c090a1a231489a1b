import Testing
@testable import Search

@Suite struct TextNormalizerTests {
    /// The phrases of a MATCH expression, as FTS5 would read them: each `"…"` with its `*`.
    static func phrases(_ expression: String) -> [String] {
        var phrases: [String] = []
        var current = ""
        var inQuotes = false
        var characters = Array(expression)[...]
        while let c = characters.popFirst() {
            if c == "\"" {
                if inQuotes, characters.first == "\"" { current.append("\""); characters.removeFirst(); continue }
                if inQuotes { phrases.append(current); current = "" }
                inQuotes.toggle()
            } else if inQuotes {
                current.append(c)
            }
        }
        return phrases
    }

    /// True when every phrase of the query occurs in the indexed text as consecutive terms.
    static func phrase(_ phrase: String, occursIn ftsText: String) -> Bool {
        let terms = ftsText.split(separator: " ").map(String.init)
        let wanted = phrase.split(separator: " ").map(String.init)
        guard !wanted.isEmpty, wanted.count <= terms.count else { return false }
        return (0 ... terms.count - wanted.count).contains { Array(terms[$0 ..< $0 + wanted.count]) == wanted }
    }

    @Test func foldsCaseAccentsAndApostrophes() {
        #expect(TextNormalizer.ftsText(for: "Zoë and ZOE met Renée at the Café") == "zoe and zoe met rene at the caf")
        #expect(TextNormalizer.ftsText(for: "Straße, Øresund, don't, Dana's") == "strass oresund dont dana")
        #expect(TextNormalizer.ftsText(for: "'quoted' words ’here’") == "quot word her") // "here" stems like any word
        #expect(TextNormalizer.ftsText(for: "Москва́ naïve") == "москва naiv")
    }

    @Test func stemsPluralsAndVerbForms() {
        let pairs = [("allergies", "allergy"), ("peanuts", "peanut"), ("running", "runs"), ("liked", "likes"),
                     ("meetings", "meeting"), ("studies", "studying"), ("boxes", "box"), ("preferred", "prefers")]
        for (a, b) in pairs {
            #expect(TextNormalizer.ftsText(for: a) == TextNormalizer.ftsText(for: b), "\(a) vs \(b)")
        }
        #expect(TextNormalizer.ftsText(for: "glass class status analysis") == "glass class status analysis")
    }

    @Test func cjkRunsBecomeOverlappingBigrams() {
        #expect(TextNormalizer.ftsText(for: "我对坚果过敏 🥜 Zoë") == "我对 对坚 坚果 果过 过敏 emoji1f95c zoe")
        #expect(TextNormalizer.ftsText(for: "用Swift写代码") == "用 swift 写代 代码")
        #expect(TextNormalizer.ftsText(for: "東京で会議") == "東京 京で で会 会議")
        #expect(TextNormalizer.ftsText(for: "학교에 갑니다") == "학교 교에 갑니 니다")
    }

    @Test(arguments: ["坚果", "zoe", "ZOË", "Zoe!", "过敏", "🥜", "坚果过敏"])
    func queriesMatchTheIndexedText(query: String) throws {
        let indexed = TextNormalizer.ftsText(for: "我对坚果过敏 🥜 Zoë")
        let expression = try #require(TextNormalizer.ftsQuery(for: query))
        let phrases = Self.phrases(expression)
        #expect(!phrases.isEmpty)
        #expect(phrases.allSatisfy { Self.phrase($0, occursIn: indexed) }, "\(expression) vs \(indexed)")
    }

    @Test func queriesDropStopwordsAndDuplicates() {
        #expect(TextNormalizer.ftsQuery(for: "What nuts should Dana avoid?") == #""nut" OR "dana" OR "avoid""#)
        #expect(TextNormalizer.ftsQuery(for: "peanut Peanuts PEANUT") == #""peanut""#)
        // Only stopwords: keep them rather than search for nothing.
        #expect(TextNormalizer.ftsQuery(for: "The Who") == #""the" OR "who""#)
        #expect(TextNormalizer.ftsQuery(for: "坚果过敏") == #""坚果 果过 过敏""#)
        #expect(TextNormalizer.ftsQuery(for: "果") == #""果"*"#)
    }

    @Test(arguments: ["", "   ", "\n\t", "?!…", "\"\"", "*", "-:()"])
    func blankQueriesGiveNil(query: String) {
        #expect(TextNormalizer.ftsQuery(for: query) == nil)
    }

    /// Every character that is FTS5 syntax (RFC-like grammar at sqlite.org/fts5.html §3) must end
    /// up inside a quoted string or be dropped, and keywords must become plain terms.
    @Test(arguments: [
        #"peanut" OR 1=1 --"#, "NEAR(dana peanut, 2)", "dana*", "-peanut", "content:secret", "dana AND NOT peanut",
        #"a "" b"#, "^start {col1 col2}: x", "(dana OR zoe) + peanut", "OR", "NOT", "AND AND",
    ])
    func injectionAttemptsBecomePlainTerms(query: String) throws {
        let expression = try #require(TextNormalizer.ftsQuery(for: query))
        // Outside the quotes only our own " OR " separators and a trailing * may remain.
        var outside = ""
        var inQuotes = false
        for c in expression {
            if c == "\"" { inQuotes.toggle(); continue }
            if !inQuotes { outside.append(c) }
        }
        #expect(!inQuotes)
        #expect(outside.replacingOccurrences(of: " OR ", with: "").replacingOccurrences(of: "*", with: "").isEmpty, "\(expression)")
        for phrase in Self.phrases(expression) {
            #expect(phrase.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " }, "\(phrase)")
            #expect(phrase == phrase.lowercased())
        }
    }

    @Test func emojiAreSearchableAndModifiersIgnored() {
        #expect(TextNormalizer.ftsText(for: "I ❤️ 🍕!!") == "i emoji2764 emoji1f355")
        #expect(TextNormalizer.ftsText(for: "👍🏽") == "emoji1f44d")
        #expect(TextNormalizer.ftsQuery(for: "🍕") == #""emoji1f355""#)
        #expect(TextNormalizer.ftsText(for: "© 2024 ™") == "2024")
    }
}

@Suite struct TokenizerTests {
    /// The ASCII fast path must be indistinguishable from the general one.
    @Test func asciiFastPathMatchesTheGeneralPath() {
        var random = SeededRandom(seed: 5)
        let alphabet = Array("aZs'S -_.,!?\"*():09xy\t\n")
        for _ in 0 ..< 2_000 {
            let length = Int(random.next() % 24)
            let text = String((0 ..< length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            var copy = text
            let fast = copy.withUTF8 { Tokenizer.asciiTokens($0) }
            #expect(fast == Tokenizer.generalTokens(in: text), "\(text.debugDescription)")
        }
        #expect(Tokenizer.tokens(in: "Dana's don't 'x' it's S's") == [.word("dana"), .word("dont"), .word("x"), .word("it"), .word("s")])
    }

    /// The full-text column of ASCII text built word by word in bytes equals the one built from the
    /// general tokenizer's words and the `String` stemmer, over every ASCII byte (controls, CR LF,
    /// quotes) and over words shaped to reach each stemming rule.
    @Test(arguments: [11, 12, 13]) func asciiFullTextMatchesTheGeneralPath(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let everyByte = (0 ..< 128).map { Character(Unicode.Scalar(UInt8($0))) }
        let stems = ["running", "allergies", "liked", "likes", "classes", "status", "agreed", "happy", "day",
                     "make", "Dana's", "don't", "IS", "sss", "e", "yes", "hopping", "fizzed", "abcing", "ies"]
        func general(_ text: String) -> String {
            Tokenizer.generalTokens(in: text).map { token -> String in
                guard case .word(let word) = token else { Issue.record("non-word token in ASCII text"); return "" }
                return Stemmer.stem(word)
            }.joined(separator: " ")
        }
        for round in 0 ..< 3_000 {
            var text = ""
            for _ in 0 ..< Int(random.next() % 12) {
                if round % 2 == 0 {
                    text.append(everyByte[Int(random.next() % 128)])
                } else {
                    text += stems[Int(random.next() % UInt64(stems.count))]
                    text.append(everyByte[Int(random.next() % 128)])
                }
            }
            #expect(TextNormalizer.ftsText(for: text) == general(text), "\(text.debugDescription)")
        }
        for edge in ["", " ", "'", "''s", "a'", "'s", "x's", "x'S", "x's'", "x''s", "\r\n", "A\u{7F}B", "RUNNING Running",
                     "it's-a", "9's", "s's's", String(repeating: "ab", count: 500)] {
            #expect(TextNormalizer.ftsText(for: edge) == general(edge), "\(edge.debugDescription)")
        }
        #expect(TextNormalizer.ftsText(for: "Running, LIKED allergies; Dana's") == "run lik allergi dana")
    }
}
