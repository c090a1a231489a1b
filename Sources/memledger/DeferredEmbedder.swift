import Ledger
import Memory
import Search
import SQLite

/// The embedder of operator commands: it names the model the stored vectors were made with (so
/// embedding-cache lookups hit and the service's mismatch guard never trips) but computes nothing.
///
/// A command that needs a vector the cache does not hold leaves the memory in `pending_vectors`; the
/// server's worker fills it with the configured embedder. So the command line never needs an
/// embedding service's address or key, and never mixes models in one index.
struct DeferredEmbedder: Embedder {
    let model: String
    let dimension: Int

    /// The model and dimension of the vectors stored in the database at `path`, else the built-in embedder's.
    init(forDatabase path: String) {
        let stored = try? Connection(path: path, options: ConnectionOptions(mode: .readOnly))
            .first("SELECT model, dims FROM memory_vectors LIMIT 1") { ($0.string(0), $0.int(1)) }
        model = stored?.0 ?? BuiltinEmbedder.modelName
        dimension = stored?.1 ?? BuiltinEmbedder.defaultDimension
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        throw EmbedderError.unavailable()
    }
}

extension MemoryService {
    /// Opens the store at `path` for an operator command (see `DeferredEmbedder`).
    static func forOperator(path: String) throws -> MemoryService {
        var configuration = MemoryConfiguration()
        configuration.embedder = DeferredEmbedder(forDatabase: path)
        // Operator commands never search, and verify must open a store whose index is mixed to report it.
        configuration.allowEmbedderMismatch = true
        return try MemoryService(path: path, configuration: configuration)
    }
}
