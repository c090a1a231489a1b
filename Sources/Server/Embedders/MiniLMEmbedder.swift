import Dispatch
import MiniLM
import Search

/// all-MiniLM-L6-v2 behind the `Embedder` protocol.
///
/// The encoder is synchronous and spreads a batch over both cores; it runs on a queue of its own so a
/// forward pass never holds a thread of Swift's cooperative pool. Stored documents longer than the
/// model's 256-token window get one vector per overlapping window and match by their best window.
public final class MiniLMEmbedder: Embedder {
    public let model: String
    public let dimension: Int
    private let encoder: MiniLMModel
    private let queue = DispatchQueue(label: "memledger.minilm", qos: .userInitiated)

    public init(directory: String) throws {
        encoder = try MiniLMModel(directory: directory)
        model = "sentence-transformers/" + encoder.modelName
        dimension = encoder.dimension
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        await run { $0.embed(texts) }
    }

    public func embedDocuments(_ texts: [String]) async throws -> [[[Float]]] {
        await run { encoder in texts.map { encoder.embedLong($0) } }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable (MiniLMModel) -> T) async -> T {
        let encoder = self.encoder
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work(encoder)) }
        }
    }
}
