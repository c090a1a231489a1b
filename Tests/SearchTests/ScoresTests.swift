import Testing
import Search

@Suite struct ScoresTests {
    @Test func semanticClampsAtZero() {
        #expect(Scores.semantic(cosine: -0.4) == 0)
        #expect(abs(Scores.semantic(cosine: 0.25) - 0.25) < 1e-7)
        #expect(Scores.semantic(cosine: 1.000_01) == 1)
        #expect(Scores.semantic(cosine: .nan) == 0)
    }

    @Test func keywordScoresAreRelativeToTheBestHit() {
        // FTS5's bm25() is negative, better is smaller: callers negate it.
        let ranks: [Double] = [-8.0, -2.0, -4.0]
        #expect(Scores.keyword(relevance: ranks.map { -$0 }) == [1.0, 0.25, 0.5])
        #expect(Scores.keyword(relevance: []) == [])
        #expect(Scores.keyword(relevance: [0, -1]) == [0, 0])
        #expect(Scores.keyword(relevance: [2, .nan, -1]) == [1, 0, 0])
    }

    @Test func fusionFollowsTheFormula() throws {
        let vector: [Int64] = [1, 2, 3]
        let keyword: [Int64] = [3, 1, 4]
        let fused = Scores.reciprocalRankFusion([vector, keyword])
        let maximum = 2.0 / 61
        let expected: [Int64: Double] = [
            1: (1.0 / 61 + 1.0 / 62) / maximum,
            3: (1.0 / 63 + 1.0 / 61) / maximum,
            2: (1.0 / 62) / maximum,
            4: (1.0 / 63) / maximum,
        ]
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        for (id, score) in fused { #expect(abs(score - expected[id]!) < 1e-12) }

        let best = Scores.reciprocalRankFusion([vector, keyword], normalization: .bestResult)
        #expect(best.first?.score == 1)
        #expect(abs(best[1].score - expected[3]! / expected[1]!) < 1e-12)
    }

    @Test func fusionOfOneListAndEdgeCases() {
        let fused = Scores.reciprocalRankFusion([["b", "a", "b"]])
        #expect(fused.map(\.id) == ["b", "a"])
        #expect(fused[0].score == 1)
        #expect(abs(fused[1].score - 61.0 / 62) < 1e-12)
        #expect(Scores.reciprocalRankFusion([[Int]](), normalization: .bestResult).isEmpty)
        #expect(Scores.reciprocalRankFusion([[Int](), []]).isEmpty)
        // Everything first in both lists scores exactly 1; ties are ordered by id.
        let tie = Scores.reciprocalRankFusion([[2, 1], [1, 2]])
        #expect(tie.map(\.id) == [1, 2] && tie[0].score == tie[1].score)
    }

    @Test func recencyHalvesEveryThirtyDays() {
        let day = Duration.seconds(86_400)
        #expect(Scores.withRecency(0.8, age: .zero, weight: 0) == 0.8)
        #expect(abs(Scores.withRecency(0.8, age: .zero, weight: 0.5) - 0.9) < 1e-12)
        #expect(abs(Scores.withRecency(0.8, age: day * 30, weight: 0.5) - (0.4 + 0.25)) < 1e-12)
        #expect(abs(Scores.withRecency(0.8, age: day * 60, weight: 1) - 0.25) < 1e-12)
        #expect(Scores.withRecency(0.8, age: .seconds(-100), weight: 1) == 1) // future counts as now
        #expect(abs(Scores.withRecency(0.8, age: day * 30, weight: 7) - 0.5) < 1e-12) // weight clamped to 1
    }
}
