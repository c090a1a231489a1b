import Foundation
import Memory
import Search
import Server

/// `memledger-bench eval`: retrieval quality of the memory service on the fixed set in `tools/eval/`.
///
/// Adds every fact as a memory, asks every question in each search mode and reports recall@1,
/// recall@5 and MRR (reciprocal rank of the answering fact within the top 10, else 0), overall and
/// for lexical and paraphrase questions.
struct EvalBenchmark {
    static let help = """
        usage: memledger-bench eval [--embedder builtin|minilm] [--model-dir DIR] [--set DIR] [--json]

        Retrieval quality (recall@1, recall@5, MRR) for keyword, semantic and hybrid search on tools/eval/.
        """

    let settings: EmbedderSettings
    let setDirectory: String
    let json: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(words, valued: ["embedder", "model-dir", "set"], switches: ["json"])
        guard let kind = EmbedderSettings.Kind(rawValue: args.options["embedder"] ?? "builtin") else {
            throw BenchUsageError("--embedder is builtin, openai or minilm")
        }
        settings = EmbedderSettings(kind: kind, modelDirectory: args.options["model-dir"] ?? "models/all-MiniLM-L6-v2")
        setDirectory = args.options["set"] ?? "tools/eval"
        json = args.has("json")
    }

    struct Fact: Decodable { let id: String; let text: String }
    struct Question: Decodable { let id: String; let question: String; let fact_id: String; let kind: String }

    static func lines<T: Decodable>(_ path: String, as type: T.Type) throws -> [T] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    func run() async throws -> BenchExitCode {
        let facts = try Self.lines(setDirectory + "/facts.jsonl", as: Fact.self)
        let questions = try Self.lines(setDirectory + "/questions.jsonl", as: Question.self)
        let dir = try ScratchDirectory(under: NSTemporaryDirectory())
        defer { dir.remove() }
        var configuration = MemoryConfiguration()
        configuration.embedder = try makeEmbedder(settings)
        configuration.ledger.durable = false
        let service = try MemoryService(path: dir.path + "/eval.sqlite", configuration: configuration)
        defer { service.close() }
        let caller = Caller(userID: "eval", provenance: .init(agentID: "eval", clientID: "eval", transport: .cli))
        var memoryOfFact: [String: String] = [:]
        for fact in facts {
            let added = try await service.add(AddRequest(content: fact.text), caller: caller)
            memoryOfFact[fact.id] = added.entries[0].memory.id
        }
        var rows: [[String: Any]] = []
        for mode in SearchMode.allCases {
            var ranks: [(kind: String, rank: Int?)] = []
            for question in questions {
                let result = try await service.search(SearchRequest(query: question.question, mode: mode, limit: 10), caller: caller)
                let rank = result.hits.firstIndex { $0.memory.id == memoryOfFact[question.fact_id] }.map { $0 + 1 }
                ranks.append((question.kind, rank))
            }
            for kind in ["all", "lexical", "paraphrase"] {
                let subset = ranks.filter { kind == "all" || $0.kind == kind }
                guard !subset.isEmpty else { continue }
                let n = Double(subset.count)
                rows.append([
                    "mode": mode.rawValue, "questions": kind, "count": subset.count,
                    "recall_at_1": Double(subset.filter { $0.rank == 1 }.count) / n,
                    "recall_at_5": Double(subset.filter { ($0.rank ?? 99) <= 5 }.count) / n,
                    "mrr": subset.map { $0.rank.map { 1 / Double($0) } ?? 0 }.reduce(0, +) / n,
                ])
            }
        }
        if json {
            let object: [String: Any] = ["embedder": service.embedder.model, "facts": facts.count, "questions": questions.count, "results": rows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("embedder \(service.embedder.model): \(facts.count) facts, \(questions.count) questions")
            print("mode      questions   count  recall@1  recall@5    MRR")
            for row in rows {
                print(
                    String(
                        format: "%@ %@ %6d  %8.3f  %8.3f  %5.3f", (row["mode"] as! String).padding(toLength: 9, withPad: " ", startingAt: 0), (row["questions"] as! String).padding(toLength: 10, withPad: " ", startingAt: 0),
                        row["count"] as! Int, row["recall_at_1"] as! Double, row["recall_at_5"] as! Double, row["mrr"] as! Double))
            }
        }
        return .ok
    }
}
