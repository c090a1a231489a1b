/// Turns texts into vectors for semantic search.
///
/// Implementations are values or thread-safe objects that any task may call concurrently.
/// A vector's meaning depends on `model` and `dimension` together: the memory domain stores both
/// with every vector and refuses to mix vectors from different embedders.
public protocol Embedder: Sendable {
    /// A stable name of the model, stored with each vector (`memledger-hash-v1`, `text-embedding-3-small`).
    var model: String { get }
    /// The length of every vector; 0 while a remote embedder has not answered yet.
    var dimension: Int { get }
    /// One vector per text, in the order of `texts`.
    ///
    /// - Throws: `EmbedderError`, whose text never contains the input or a credential.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
