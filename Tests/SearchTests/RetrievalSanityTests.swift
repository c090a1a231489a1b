import Foundation
import Testing
@testable import Search

/// Ranks the facts of `tools/eval` for each question with the built-in embedder, with a plain
/// BM25 over `TextNormalizer` terms, and with both fused by RRF, as a floor on retrieval quality.
/// The full evaluation runs against the service; this only guards the search primitives.
@Suite struct RetrievalSanityTests {
    struct Fact: Decodable { let id: String; let text: String }
    struct Question: Decodable { let id: String; let question: String; let fact_id: String; let kind: String }

    static let evalDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/eval")

    static func load<T: Decodable>(_ name: String) throws -> [T] {
        let text = try String(contentsOf: evalDirectory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    /// Okapi BM25 (k1 = 1.2, b = 0.75) with the non-negative IDF `ln(1 + (N − n + 0.5)/(n + 0.5))`.
    struct BM25 {
        let postings: [String: [(document: Int, frequency: Int)]]
        let lengths: [Double]
        let averageLength: Double

        init(_ texts: [String]) {
            var postings: [String: [(document: Int, frequency: Int)]] = [:]
            var lengths: [Double] = []
            for (document, text) in texts.enumerated() {
                let terms = TextNormalizer.indexTerms(for: text)
                lengths.append(Double(terms.count))
                for (term, frequency) in terms.reduce(into: [String: Int](), { $0[$1, default: 0] += 1 }) {
                    postings[term, default: []].append((document, frequency))
                }
            }
            self.postings = postings
            self.lengths = lengths
            averageLength = lengths.reduce(0, +) / Double(max(1, lengths.count))
        }

        func scores(_ query: String) -> [Double] {
            var scores = [Double](repeating: 0, count: lengths.count)
            let n = Double(lengths.count)
            for term in Set(TextNormalizer.queryPhrases(for: query).flatMap(\.terms)) {
                guard let list = postings[term] else { continue }
                let df = Double(list.count)
                let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                for (document, frequency) in list {
                    let tf = Double(frequency)
                    scores[document] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[document] / averageLength))
                }
            }
            return scores
        }
    }

    struct Metrics: CustomStringConvertible {
        var hitsAt1 = 0, hitsAt5 = 0, count = 0
        var reciprocalRanks = 0.0
        mutating func add(rank: Int?) {
            count += 1
            guard let rank else { return }
            if rank == 1 { hitsAt1 += 1 }
            if rank <= 5 { hitsAt5 += 1 }
            reciprocalRanks += 1 / Double(rank)
        }
        var recallAt5: Double { Double(hitsAt5) / Double(max(1, count)) }
        var mrr: Double { reciprocalRanks / Double(max(1, count)) }
        var description: String {
            String(format: "n=%d R@1=%.2f R@5=%.2f MRR=%.3f", count, Double(hitsAt1) / Double(max(1, count)), recallAt5, mrr)
        }
    }

    @Test func builtinEmbedderAndBM25FindTheirFacts() async throws {
        let facts: [Fact] = try Self.load("facts.jsonl")
        let questions: [Question] = try Self.load("questions.jsonl")
        #expect(facts.count >= 300 && questions.count >= 150)
        #expect(questions.filter { $0.kind == "paraphrase" }.count * 2 >= questions.count)

        let embedder = BuiltinEmbedder()
        var index = VectorIndex(dimension: embedder.dimension)
        for (row, vector) in try await embedder.embed(facts.map(\.text)).enumerated() {
            try index.upsert(id: Int64(row), vector: vector)
        }
        let bm25 = BM25(facts.map(\.text))

        var metrics: [String: Metrics] = [:]
        for question in questions {
            let target = Int64(facts.firstIndex { $0.id == question.fact_id }!)
            let semantic = try index.search(embedder.vector(for: question.question), k: 50).map(\.id)
            let keywordScores = bm25.scores(question.question)
            let keyword = keywordScores.indices.filter { keywordScores[$0] > 0 }
                .sorted { keywordScores[$0] != keywordScores[$1] ? keywordScores[$0] > keywordScores[$1] : $0 < $1 }
                .prefix(50).map(Int64.init)
            let hybrid = Scores.reciprocalRankFusion([semantic, Array(keyword)]).map(\.id)
            for (name, ranking) in [("builtin", semantic), ("bm25", Array(keyword)), ("hybrid", hybrid)] {
                let rank = ranking.firstIndex(of: target).map { $0 + 1 }
                metrics["\(name)/\(question.kind)", default: Metrics()].add(rank: rank)
                metrics["\(name)/all", default: Metrics()].add(rank: rank)
            }
        }
        if ProcessInfo.processInfo.environment["SEARCH_EVAL_VERBOSE"] != nil {
            for key in metrics.keys.sorted() { print("eval \(key): \(metrics[key]!)") }
        }
        // Floors a little under the measured values: they catch a broken tokenizer or embedder,
        // not small changes in wording. Paraphrases are expected to need a semantic model.
        #expect(metrics["builtin/lexical"]!.recallAt5 >= 0.9, "\(metrics["builtin/lexical"]!)")
        #expect(metrics["bm25/lexical"]!.recallAt5 >= 0.9, "\(metrics["bm25/lexical"]!)")
        #expect(metrics["hybrid/paraphrase"]!.recallAt5 >= 0.5, "\(metrics["hybrid/paraphrase"]!)")
        #expect(metrics["hybrid/lexical"]!.recallAt5 >= 0.9, "\(metrics["hybrid/lexical"]!)")
        #expect(metrics["builtin/paraphrase"]!.recallAt5 >= 0.5, "\(metrics["builtin/paraphrase"]!)")
    }
}
