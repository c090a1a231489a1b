import Foundation
import Ledger
import Memory
import Search

/// Opening what a server process needs from a configuration: the data directory, the memory
/// service and the embedder.
public enum ServerEnvironment {
    /// Opens (creating when absent) the memory service in the configured data directory.
    public static func openService(_ configuration: ServerConfiguration) throws -> MemoryService {
        let data = DataDirectory(path: configuration.dataDirectory)
        try data.create()
        var memory = MemoryConfiguration()
        memory.contentLimitBytes = configuration.contentLimitBytes
        return try MemoryService(path: data.database, configuration: memory)
    }

    /// The embedder the configuration names.
    ///
    /// TEMPORARY: until `makeEmbedder(configuration)` lands in `Sources/Server/Embedders/`, only the
    /// built-in embedder is constructed here; this is the one place to replace by that call.
    public static func embedder(_ configuration: ServerConfiguration) throws -> any Embedder {
        switch configuration.embedder {
        case .builtin: return BuiltinEmbedder()
        case .openAI, .miniLM:
            throw ServerConfiguration.Problem("the \(configuration.embedder.name) embedder is not available in this build yet; use --embedder builtin")
        }
    }
}
