import Testing
@testable import Search

@Suite struct BuiltinEmbedderTests {
    let embedder = BuiltinEmbedder()

    func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func vectorsAreUnitLengthAndDeterministic() async throws {
        let texts = ["Dana is allergic to peanuts", "我对坚果过敏", "🥜", "x"]
        let vectors = try await embedder.embed(texts)
        #expect(vectors.count == 4)
        for vector in vectors {
            #expect(vector.count == 384)
            #expect(abs(cosine(vector, vector) - 1) < 1e-5)
        }
        #expect(try await embedder.embed(texts) == vectors)
        #expect(embedder.model == "memledger-hash-v1")
    }

    /// Pinned values: the hash and weights are a stored format, so any change must be deliberate
    /// (a new model name and a reindex). FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (FNV reference).
    @Test func hashingIsFixed() {
        #expect(FNV1a.hash64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash64("".utf8) == 0xcbf2_9ce4_8422_2325)
        let vector = embedder.vector(for: "peanut")
        let nonZero = vector.indices.filter { vector[$0] != 0 }
        #expect(nonZero.count > 10)
        let hash = FNV1a.mixed("w:peanut")
        let index = Int(hash % 384)
        #expect(vector[index] != 0)
        #expect((vector[index] > 0) == ((hash >> 63) == 0) || nonZero.count > 30)
    }

    @Test func blankTextGivesTheZeroVector() {
        for text in ["", "  ", "?!", "the of and"] {
            #expect(embedder.vector(for: text).allSatisfy { $0 == 0 }, "\(text)")
        }
    }

    @Test func foldingAndInflectionDoNotMatter() {
        #expect(embedder.vector(for: "Zoë's allergies") == embedder.vector(for: "zoe allergy"))
        #expect(cosine(embedder.vector(for: "she liked hiking"), embedder.vector(for: "likes hikes")) > 0.7)
    }

    @Test(arguments: [
        ("Which nuts is Dana allergic to?", 0),
        ("what editor does the team use for Swift", 1),
        ("when is Priya's flight to Lisbon", 2),
        ("我对什么过敏", 3),
        ("database for the ledger project", 4),
    ])
    func questionsRankTheirMemoryFirst(question: String, expected: Int) {
        let memories = [
            "Dana is allergic to peanuts and tree nuts",
            "The team edits Swift code in Neovim with sourcekit-lsp",
            "Priya flies to Lisbon on 14 March for the conference",
            "我对坚果过敏",
            "The ledger project stores its events in SQLite with WAL",
            "Coffee order: oat flat white, no sugar",
            "The staging server restarts every Sunday at 03:00 UTC",
        ]
        let query = embedder.vector(for: question)
        let scores = memories.map { cosine(query, embedder.vector(for: $0)) }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        #expect(best == expected, "\(scores)")
    }
}
