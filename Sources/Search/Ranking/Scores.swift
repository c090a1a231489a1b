import Foundation

/// The score arithmetic of DESIGN.md §6 ("Scores"): every result's `score` is in [0, 1].
///
/// - semantic: cosine similarity clamped at 0;
/// - keyword: BM25 relevance divided by the query's best hit;
/// - hybrid: reciprocal-rank fusion with k = 60, divided by its maximum;
/// - recency: `(1 − w)·score + w·2^(−age / 30 days)`.
public enum Scores {
    /// The RRF constant of Cormack, Clarke and Büttcher (SIGIR 2009), which DESIGN.md fixes.
    public static let fusionK: Double = 60
    /// Age at which the recency term halves.
    public static let recencyHalfLife: Duration = .seconds(30 * 24 * 3600)

    /// A semantic score: the cosine, clamped to [0, 1] (opposite directions are just "unrelated").
    public static func semantic(cosine: Float) -> Double {
        guard cosine.isFinite else { return 0 }
        return min(1, max(0, Double(cosine)))
    }

    /// Keyword scores: each relevance divided by the best one of the query, in input order.
    ///
    /// `relevance` is larger-is-better; SQLite FTS5's `bm25()` is smaller-is-better (negative),
    /// so pass `-bm25(...)`. Non-positive or non-finite relevances score 0; if no hit has a
    /// positive relevance, all score 0.
    public static func keyword(relevance: [Double]) -> [Double] {
        let best = relevance.lazy.filter(\.isFinite).max() ?? 0
        guard best > 0 else { return relevance.map { _ in 0 } }
        return relevance.map { $0.isFinite && $0 > 0 ? $0 / best : 0 }
    }

    /// How fused scores are brought into [0, 1].
    public enum FusionNormalization: Sendable {
        /// Divide by the largest possible sum, `lists / (k + 1)`: an item ranked first in every
        /// list scores 1, one ranked first in one of two lists scores 0.5. Scores stay comparable
        /// across queries, so `min_score` means the same thing for every query.
        case possibleMaximum
        /// Divide by the best fused score of this query: the top result always scores 1.
        case bestResult
    }

    /// Reciprocal-rank fusion of ranked lists (best first), `Σ 1 / (k + rank)` with 1-based
    /// ranks, normalised into [0, 1]; returned best first, ties by id.
    ///
    /// An id missing from a list contributes nothing for it; an id repeated within one list
    /// counts at its best rank only.
    /// - Parameters:
    ///   - rankings: for example `[vectorHits, keywordHits]`.
    ///   - k: the rank constant; DESIGN.md fixes 60.
    ///   - normalization: see `FusionNormalization`; `.possibleMaximum` by default.
    public static func reciprocalRankFusion<ID: Hashable & Comparable>(
        _ rankings: [[ID]], k: Double = fusionK, normalization: FusionNormalization = .possibleMaximum
    ) -> [(id: ID, score: Double)] {
        var fused: [ID: Double] = [:]
        for ranking in rankings {
            var seen = Set<ID>()
            for (offset, id) in ranking.enumerated() where seen.insert(id).inserted {
                fused[id, default: 0] += 1 / (k + Double(offset + 1))
            }
        }
        guard !fused.isEmpty else { return [] }
        let divisor = switch normalization {
        case .possibleMaximum: Double(rankings.count) / (k + 1)
        case .bestResult: fused.values.max()!
        }
        return fused.map { (id: $0.key, score: min(1, $0.value / divisor)) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    /// A score blended with recency: `(1 − w)·score + w·2^(−age / 30 days)`.
    ///
    /// - Parameters:
    ///   - score: the result's score in [0, 1].
    ///   - age: time since the memory was last changed; a negative age (clock skew) counts as 0.
    ///   - weight: `w`, clamped to [0, 1]; 0 leaves the score unchanged.
    public static func withRecency(_ score: Double, age: Duration, weight: Double) -> Double {
        let w = weight.isFinite ? min(1, max(0, weight)) : 0
        guard w > 0 else { return score }
        let ageSeconds = max(0, age.seconds)
        let recency = exp2(-ageSeconds / recencyHalfLife.seconds)
        return (1 - w) * score + w * recency
    }
}
