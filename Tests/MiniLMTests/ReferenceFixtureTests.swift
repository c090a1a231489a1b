import Testing
@testable import MiniLM

/// Agreement with the sentence-transformers reference in `shared/fixtures/minilm-reference.json`.
@Suite(.enabled(if: TestResources.modelAvailable, TestResources.skipMessage))
struct ReferenceFixtureTests {
    /// Short items that cover plain text, accents, CJK, emoji and the empty input; the full set of
    /// 40 (up to 256 tokens) runs in `tools/minilm-check.sh`.
    static let quickItems = [0, 4, 7, 12, 15, 18]

    @Test func fixtureDescribesThisModel() throws {
        let model = try #require(TestResources.model)
        let fixture = try #require(TestResources.fixture, "shared/fixtures/minilm-reference.json not found beside the checkout")
        #expect(fixture.items.count == 40)
        #expect(fixture.model == model.modelName)
        #expect(fixture.embeddingDimension == model.dimension)
        #expect(fixture.maxSequenceLength == model.maxSequenceLength)
    }

    @Test("token ids equal the reference", arguments: 0..<40)
    func tokenIDs(item: Int) throws {
        let model = try #require(TestResources.model)
        let fixture = try #require(TestResources.fixture)
        let reference = fixture.items[item]
        #expect(model.tokenize(reference.text) == reference.inputIDs, "item \(item): \(reference.note)")
    }

    @Test("embeddings of short items equal the reference", arguments: quickItems)
    func embedding(item: Int) throws {
        let model = try #require(TestResources.model)
        let fixture = try #require(TestResources.fixture)
        let reference = fixture.items[item]
        let vector = try #require(model.embed([reference.text]).first)
        #expect(vector.count == 384)
        let (difference, cosine) = compare(vector, reference.embedding)
        #expect(difference <= 1e-5, "item \(item): \(reference.note)")
        #expect(cosine >= 0.99999, "item \(item): \(reference.note)")
    }

    /// All 40 items in one batch (every value within 1e-5, cosine ≥ 0.99999) and the pair
    /// similarities; gated because the long items make it slow in debug builds.
    @Test(.enabled(if: TestResources.fullCheck, "set MEMLEDGER_MINILM_FULL=1 (tools/minilm-check.sh) for all 40 items"))
    func allItemsAndPairs() throws {
        let model = try #require(TestResources.model)
        let fixture = try #require(TestResources.fixture)
        let vectors = model.embed(fixture.items.map(\.text))
        var worstDifference: Float = 0
        var worstCosine = 1.0
        for (index, reference) in fixture.items.enumerated() {
            #expect(model.tokenize(reference.text) == reference.inputIDs, "item \(index): \(reference.note)")
            let (difference, cosine) = compare(vectors[index], reference.embedding)
            #expect(difference <= 1e-5, "item \(index): \(reference.note): max |Δ| \(difference)")
            #expect(cosine >= 0.99999, "item \(index): \(reference.note): cosine \(cosine)")
            worstDifference = max(worstDifference, difference)
            worstCosine = min(worstCosine, cosine)
        }
        for pair in fixture.pairs {
            let cosine = compare(vectors[pair.a], vectors[pair.b]).cosine
            #expect(abs(cosine - pair.cosine) <= 1e-5, "pair \(pair.a)/\(pair.b) (\(pair.kind)): \(cosine) vs \(pair.cosine)")
        }
        print("minilm-check: 40 items, worst max |Δ| \(worstDifference), worst cosine \(worstCosine)")
    }
}
