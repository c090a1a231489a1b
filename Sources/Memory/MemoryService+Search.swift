import Foundation
import JSON
import Ledger
import Search
import SQLite

/// How a search ranks.
public enum SearchMode: String, Sendable, CaseIterable {
    /// Vector and BM25 candidates fused by reciprocal rank (the default).
    case hybrid
    /// Cosine similarity of embeddings only.
    case semantic
    /// BM25 over the full-text index only.
    case keyword
}

/// A search, with its filters and ranking knobs.
public struct SearchRequest: Sendable {
    public var query: String
    public var mode: SearchMode
    /// 1…100.
    public var limit: Int
    public var filter: MemoryFilter
    /// Results scoring below this (after recency) are left out.
    public var minScore: Double?
    /// w in [0, 1]: ranks by (1 − w)·score + w·2^(−age/30 days).
    public var recencyWeight: Double

    public init(
        query: String, mode: SearchMode = .hybrid, limit: Int = 10, filter: MemoryFilter = MemoryFilter(),
        minScore: Double? = nil, recencyWeight: Double = 0
    ) {
        self.query = query
        self.mode = mode
        self.limit = limit
        self.filter = filter
        self.minScore = minScore
        self.recencyWeight = recencyWeight
    }
}

/// Why a result ranks where it does.
public struct SearchSignals: Sendable, Hashable {
    /// Cosine similarity clamped at 0, and the 1-based rank among vector candidates.
    public var similarity: Double?
    public var semanticRank: Int?
    /// BM25 normalised by the best hit of the query, and the 1-based rank among keyword candidates.
    public var keywordScore: Double?
    public var keywordRank: Int?

    public var json: JSONValue {
        func n(_ d: Double?) -> JSONValue { d.map(JSONValue.double) ?? .null }
        func i(_ r: Int?) -> JSONValue { r.map { .int(Int64($0)) } ?? .null }
        return ["similarity": n(similarity), "semantic_rank": i(semanticRank), "keyword_score": n(keywordScore), "keyword_rank": i(keywordRank)]
    }
}

public struct SearchHit: Sendable, Hashable {
    public var memory: Memory
    /// In [0, 1]; see DESIGN.md §6 "Scores".
    public var score: Double
    public var signals: SearchSignals

    public var json: JSONValue {
        guard case .object(var o) = memory.json else { return memory.json }
        o["score"] = .double(score)
        o["signals"] = signals.json
        return .object(o)
    }
}

public struct SearchResult: Sendable, Hashable {
    public var hits: [SearchHit]
    public var mode: SearchMode
    /// Memories of the store that were searched without a vector (the embedder was unavailable).
    public var vectorsPending: Int
    /// True when the query itself could not be embedded, so vector ranking was skipped.
    public var ranWithoutVectors: Bool

    public var json: JSONValue {
        var o: JSONObject = ["results": .array(hits.map(\.json)), "mode": .string(mode.rawValue)]
        if vectorsPending > 0 || ranWithoutVectors {
            o["vectors_pending"] = .int(Int64(vectorsPending))
            o["note"] = .string(
                ranWithoutVectors
                    ? "the embedder is unavailable: results are ranked by keywords only"
                    : "\(vectorsPending) memories are still waiting for their vector and were matched by keywords only")
        }
        return .object(o)
    }
}

extension MemoryService {
    /// Searches the caller's live memories (across all agents unless the filter names one).
    public func search(_ request: SearchRequest, caller: Caller) async throws -> SearchResult {
        let query = request.query.precomposedStringWithCanonicalMapping
        guard !ContentNormalizer.isBlank(query) else { throw MemoryError.invalid("query must not be empty or only whitespace") }
        guard (1...100).contains(request.limit) else { throw MemoryError.invalid("limit must be between 1 and 100 (got \(request.limit))") }
        if let minScore = request.minScore, !(0...1).contains(minScore) {
            throw MemoryError.invalid("min_score must be between 0 and 1")
        }
        guard request.recencyWeight.isFinite, (0...1).contains(request.recencyWeight) else {
            throw MemoryError.invalid("recency_weight must be between 0 and 1")
        }
        let candidates = max(50, request.limit * 4)
        let (clause, args) = try request.filter.sql()

        var queryVector: [Float]?
        if request.mode != .keyword {
            do {
                queryVector = try await embedder.embed([query]).first
            } catch {
                embedderFailures.add(1, ordering: .relaxed)
            }
        }
        let vector = queryVector
        return try ledger.read { db in
            // Keyword candidates: BM25 over the full-text index, filtered in SQL.
            let keyword =
                request.mode == .semantic
                ? []
                : try keywordCandidates(query, userID: caller.userID, clause: clause, arguments: args, limit: candidates, in: db)
            // Vector candidates: the in-memory index, caught up with every process's writes first.
            var semantic: [(seq: Int64, cosine: Float)] = []
            if let vector {
                try vectors.catchUp(db)
                let allowed: Set<Int64>? =
                    request.filter.isEmpty
                    ? nil
                    : Set(try db.query("SELECT m.seq FROM memories m WHERE m.user_id = ?" + clause, [.text(caller.userID)] + args) { $0.int64(0) })
                semantic = try vectors.nearest(vector, k: candidates, userID: caller.userID, allowed: allowed, in: db).map { ($0.id, $0.score) }
            }

            var signals: [Int64: SearchSignals] = [:]
            let keywordScores = Scores.keyword(relevance: keyword.map(\.relevance))
            for (rank, (hit, score)) in zip(keyword, keywordScores).enumerated() {
                signals[hit.seq, default: SearchSignals()].keywordScore = score
                signals[hit.seq, default: SearchSignals()].keywordRank = rank + 1
            }
            for (rank, hit) in semantic.enumerated() {
                signals[hit.seq, default: SearchSignals()].similarity = Scores.semantic(cosine: hit.cosine)
                signals[hit.seq, default: SearchSignals()].semanticRank = rank + 1
            }
            var ranked: [(Int64, Double)]
            switch request.mode {
            case .keyword: ranked = zip(keyword.map(\.seq), keywordScores).map { ($0, $1) }
            case .semantic: ranked = semantic.map { ($0.seq, Scores.semantic(cosine: $0.cosine)) }
            case .hybrid:
                ranked = vector == nil
                    ? zip(keyword.map(\.seq), keywordScores).map { ($0, $1) }
                    : Scores.reciprocalRankFusion([semantic.map(\.seq), keyword.map(\.seq)]).map { ($0.id, $0.score) }
            }

            // Recency needs every candidate's age; read just that, in one statement, before fetching rows.
            if request.recencyWeight > 0, !ranked.isEmpty {
                let now = Timestamp.now()
                let placeholders = ranked.map { _ in "?" }.joined(separator: ",")
                var updated: [Int64: Timestamp] = [:]
                try db.forEach("SELECT seq, updated_at FROM memories WHERE seq IN (\(placeholders))", ranked.map { .integer($0.0) }) {
                    updated[$0.int64(0)] = Timestamp(rfc3339: $0.string(1))
                }
                ranked = ranked.map { seq, base in
                    let age = Duration.milliseconds(now.milliseconds - (updated[seq]?.milliseconds ?? now.milliseconds))
                    return (seq, Scores.withRecency(base, age: age, weight: request.recencyWeight))
                }
                ranked.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            }
            // Scores are final and sorted: read rows best first until the page is full.
            var hits: [SearchHit] = []
            var gone: [Int64] = []
            for (seq, score) in ranked {
                if hits.count == request.limit { break }
                if let minScore = request.minScore, score < minScore { break }
                guard let memory = try db.first(
                    "SELECT \(Self.columns) FROM memories m WHERE m.seq = ? AND m.user_id = ?", [.integer(seq), .text(caller.userID)], Self.decode)
                else {
                    gone.append(seq)
                    continue
                }
                hits.append(SearchHit(memory: memory, score: score, signals: signals[seq] ?? SearchSignals()))
            }
            if !gone.isEmpty { vectors.remove(gone.filter { signals[$0]?.semanticRank != nil }) }
            // The queue is short (usually empty): walk it and look each entry up, never the user's rows.
            let pending = request.mode == .keyword ? 0 : Int(try db.scalarInt(
                "SELECT count(*) FROM pending_vectors p CROSS JOIN memories m ON m.seq = p.seq WHERE m.user_id = ?",
                [.text(caller.userID)]) ?? 0)
            return SearchResult(
                hits: hits, mode: request.mode, vectorsPending: pending,
                ranWithoutVectors: request.mode != .keyword && vector == nil)
        }
    }
}
