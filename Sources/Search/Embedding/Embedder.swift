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

    /// The vectors of stored documents, one or more windows per text (see the extension).
    func embedDocuments(_ texts: [String]) async throws -> [[[Float]]]
}

extension Embedder {
    /// The vectors of stored documents: one per window of each text. Embedders whose model sees only
    /// a bounded window (a local transformer) return several overlapping windows for a long text, and
    /// a document then matches by its best window; the default is one vector per text.
    public func embedDocuments(_ texts: [String]) async throws -> [[[Float]]] {
        try await embed(texts).map { [$0] }
    }
}
