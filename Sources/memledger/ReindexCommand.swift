import Foundation
import Ledger
import Memory
import Search
import Server

/// `memledger reindex`: rebuilds the vector projection with the configured embedder.
///
/// The fix the server names when it refuses a store whose vectors came from another embedder. Memories
/// and their history are untouched; the embedding cache is read first, so switching back and forth
/// between embedders costs embedder calls only for text a model has never seen.
struct ReindexCommand: CLICommand {
    static let help = """
        usage: memledger reindex [--data DIR] [--embedder builtin|openai|minilm] [--model-dir DIR]
                                 [--embed-base-url URL] [--embed-model NAME] [--embed-api-key KEY] [--json]

        Recomputes every memory's vector with the embedder `serve` is configured with (the same flags and
        MEMLEDGER_EMBEDDER / MEMLEDGER_MODEL_DIR / MEMLEDGER_EMBED_* variables). Run it while no server is
        running on this data directory, then start the server with that embedder.
        """
    static let valued = Set(ServerConfiguration.embedderFlags).union(["data"])

    let context: OperatorContext
    let settings: EmbedderSettings

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(Self.valued)
        context = OperatorContext(args)
        var options = args.options
        options["data"] = nil
        do {
            settings = try ServerConfiguration.resolve(options: options, environment: ProcessInfo.processInfo.environment).0.embedder
        } catch {
            throw UsageError(error.description)
        }
    }

    func run() throws -> ExitCode {
        guard context.data.exists else { throw CommandFailure.noData(context.data) }
        var configuration = MemoryConfiguration()
        configuration.embedder = try makeEmbedder(settings)
        configuration.allowEmbedderMismatch = true
        let service = try MemoryService(path: context.data.database, configuration: configuration)
        defer { service.close() }
        let progress = ProgressLine(label: "reindexed", enabled: !context.json)
        let count = try blocking { try await service.reindex { progress.update(Int64($0)) } }
        progress.finish()
        let pending = try service.pendingVectorCount()
        if context.json {
            context.emit(["reindexed": .int(Int64(count)), "pending": .int(Int64(pending)), "embedder": .string(service.embedder.model)])
        } else {
            print("reindexed \(count) memories with \(service.embedder.model)\(pending > 0 ? "; \(pending) still waiting (embedder unavailable)" : "")")
        }
        return pending == 0 ? .ok : .failure
    }
}
