import Foundation
import Ledger
import Memory
import Search

/// Opening what a server process needs from a configuration: the embedder, the data directory
/// and the memory service.
public enum ServerEnvironment {
    /// Opens (creating when absent) the memory service in the configured data directory.
    /// - Parameter embedder: the embedder to use; built from the configuration when nil.
    /// - Throws: the embedder's configuration error, or `MemoryError.embedderMismatch` when the stored
    ///   vectors were made by another embedder (the server must not start then).
    ///   - allowEmbedderMismatch: for commands that never touch vectors (`keys`).
    public static func openService(
        _ configuration: ServerConfiguration, embedder: (any Embedder)? = nil, allowEmbedderMismatch: Bool = false
    ) throws -> MemoryService {
        let data = DataDirectory(path: configuration.dataDirectory)
        try data.create()
        var memory = MemoryConfiguration()
        memory.contentLimitBytes = configuration.contentLimitBytes
        memory.embedder = try embedder ?? makeEmbedder(configuration.embedder)
        memory.allowEmbedderMismatch = allowEmbedderMismatch
        return try MemoryService(path: data.database, configuration: memory)
    }
}
