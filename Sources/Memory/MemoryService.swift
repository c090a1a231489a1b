import Crypto
import JSON
import Ledger
import Search
import SQLite
import Synchronization

/// Limits and choices of the memory domain, frozen when the service starts.
public struct MemoryConfiguration: Sendable {
    /// The largest content accepted, in UTF-8 bytes after NFC.
    public var contentLimitBytes = 32 * 1024
    /// The ledger's own configuration (clock, readers); the memory projector is added to it.
    public var ledger = LedgerConfiguration()
    /// What turns content into vectors; the built-in deterministic embedder by default.
    public var embedder: any Embedder = BuiltinEmbedder()
    /// Open even when the stored vectors came from another embedder (only `reindex` does this).
    public var allowEmbedderMismatch = false
    /// From this many vectors on, a user's in-memory index keeps only int8 rows (a quarter of the memory)
    /// and a search re-ranks the best candidates of their scan against the exact stored vectors.
    public var compactVectorIndexFrom = 20_000

    public init() {}
}

/// On whose behalf a command runs: the effective user and the provenance recorded on its events.
public struct Caller: Sendable, Hashable {
    public var userID: String
    public var provenance: Provenance
    /// A client-chosen key that makes a retried write return its first answer.
    public var idempotencyKey: String?

    public init(userID: String, provenance: Provenance, idempotencyKey: String? = nil) {
        self.userID = userID
        self.provenance = provenance
        self.idempotencyKey = idempotencyKey
    }
}

/// The memory domain: every front (REST, MCP, CLI) calls this, never the ledger directly.
///
/// Commands become events appended with their projections in one transaction; queries read the
/// projected read model, so a caller reads its own write at once and sees other processes' writes.
public final class MemoryService: Sendable {
    public let ledger: Ledger
    public let configuration: MemoryConfiguration
    public var embedder: any Embedder { configuration.embedder }
    let vectors: VectorStore
    let embedderFailures = Atomic<Int>(0)

    /// Opens the memory store in the SQLite database at `path` (created when absent).
    public init(path: String, configuration: MemoryConfiguration = MemoryConfiguration()) throws {
        var ledgerConfiguration = configuration.ledger
        ledgerConfiguration.projectors.append(MemoryProjector())
        let ledger = try Ledger(path: path, configuration: ledgerConfiguration)
        let embedder = configuration.embedder
        if !configuration.allowEmbedderMismatch,
            let (model, dims) = try ledger.read({ db in
                try db.first(
                    "SELECT model, dims FROM memory_vectors WHERE model <> ? OR (? > 0 AND dims <> ?) LIMIT 1",
                    [.text(embedder.model), .int(embedder.dimension), .int(embedder.dimension)], { ($0.string(0), $0.int(1)) })
            })
        {
            ledger.close()
            throw MemoryError(
                .embedderMismatch,
                "the stored vectors were made by embedder '\(model)' (\(dims) dimensions) but the configured embedder is "
                    + "'\(embedder.model)' (\(embedder.dimension == 0 ? "dimension not yet known" : "\(embedder.dimension) dimensions")); "
                    + "searches would miss every stored memory. Run `memledger reindex` to rebuild the vectors with the "
                    + "configured embedder, or start with the embedder the data was made with")
        }
        self.ledger = ledger
        self.configuration = configuration
        self.vectors = VectorStore(model: embedder.model, dimension: embedder.dimension, compactFrom: configuration.compactVectorIndexFrom)
    }

    /// How many times the embedder failed since start (for `/metrics`).
    public var embedderErrorCount: Int { embedderFailures.load(ordering: .relaxed) }

    /// The event types the memory domain appends (`memory.*`).
    public static let eventTypes = MemoryEvent.all

    public func close() { ledger.close() }

    // MARK: - Shared validation

    /// Identity keys that metadata may not carry: a memory's scope is set by the request, never by metadata.
    static let identityKeys: Set<String> = ["user_id", "agent_id", "run_id"]

    /// Splits metadata into what is stored and the identity keys that were dropped.
    static func cleanMetadata(_ metadata: JSONObject) -> (JSONObject, [String]) {
        var kept = JSONObject()
        var dropped: [String] = []
        for (key, value) in metadata {
            if identityKeys.contains(key) { dropped.append(key) } else { kept[key] = value }
        }
        return (kept, dropped)
    }

    /// The NFC form of `content`, or an error naming what is wrong with it.
    func validContent(_ content: String) throws -> String {
        let stored = ContentNormalizer.stored(content)
        guard !ContentNormalizer.isBlank(stored) else {
            throw MemoryError.invalid("content must not be empty or only whitespace")
        }
        let size = stored.utf8.count
        guard size <= configuration.contentLimitBytes else {
            throw MemoryError(
                .contentTooLarge,
                "content is \(size) bytes; the limit is \(configuration.contentLimitBytes) bytes (split it into smaller memories)")
        }
        return stored
    }

    /// True when `id` could be a memory id (a UUID); anything else is simply not found.
    static func isWellFormedID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(b) || (97...102).contains(b) || (65...70).contains(b) else { return false }
            }
        }
        return true
    }

    /// The idempotency key of a command, bound to the caller's credential and the exact request.
    static func idempotency(_ caller: Caller, _ operation: String, _ request: JSONValue) -> IdempotencyKey? {
        guard let key = caller.idempotencyKey else { return nil }
        var canonical = Array(operation.utf8)
        canonical.append(0)
        canonical += Array(caller.userID.utf8)
        canonical.append(0)
        canonical += request.serialized()
        return IdempotencyKey(clientID: caller.provenance.clientID ?? "", key: key, requestDigest: SHA256.hash(canonical))
    }

    /// Maps ledger errors to domain errors.
    static func translate(_ error: Error) -> Error {
        if let ledgerError = error as? LedgerError {
            if ledgerError.isIdempotencyKeyReused {
                return MemoryError(.idempotencyKeyReused, "this Idempotency-Key was already used for a different request")
            }
            if ledgerError.isWrongExpectedVersion {
                return MemoryError(.versionConflict, "the memory changed meanwhile (now version \(ledgerError.actualVersion.map(String.init) ?? "none"))")
            }
        }
        return error
    }
}
