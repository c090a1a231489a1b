/// One result of a vector search.
public struct VectorMatch: Hashable, Sendable {
    /// The caller's row id.
    public var id: Int64
    /// Cosine similarity with the query, in [-1, 1] (see `Scores.semantic(cosine:)` for a [0, 1] score).
    public var score: Float

    public init(id: Int64, score: Float) {
        self.id = id
        self.score = score
    }
}
