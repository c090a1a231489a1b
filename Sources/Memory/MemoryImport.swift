import Crypto
import JSON
import Ledger
import SQLite

/// One memory taken from another memory server's export, ready to become a `memory.added` event.
public struct ImportedMemory: Sendable, Hashable {
    public var userID: String
    public var content: String
    public var agentID: String?
    public var runID: String?
    /// The source's metadata plus `source_id` / `source_created_at` and whatever else the format keeps.
    public var metadata: JSONObject
    /// Where it came from (line or index), for reports.
    public var origin: String

    public init(userID: String, content: String, agentID: String? = nil, runID: String? = nil, metadata: JSONObject, origin: String) {
        self.userID = userID
        self.content = content
        self.agentID = agentID
        self.runID = runID
        self.metadata = metadata
        self.origin = origin
    }
}

/// What an import did.
public struct ImportOutcome: Sendable {
    /// The ids of the memories added, in input order.
    public var added: [String]
    /// Items not stored because the same user already has the same content (also earlier in the same import).
    public var duplicates: [(origin: String, existingID: String)]
    /// Items refused (empty or too-large content), with the reason.
    public var rejected: [(origin: String, reason: String)]
}

extension MemoryService {
    /// Adds memories taken from another memory server, all in one ledger write: either every accepted
    /// item is stored or, when anything fails, none is.
    ///
    /// Each item becomes a `memory.added` event of its own user with `provenance` (transport `import`),
    /// its agent the item's when it names one;
    /// duplicates of live memories (and of earlier items) are skipped and named, as an add would.
    /// - Parameter strict: refuse the whole import when any item's content is invalid (empty, too large),
    ///   instead of skipping that item.
    /// - Throws: `MemoryError` naming the first invalid item's origin when `strict`.
    public func importMemories(_ items: [ImportedMemory], provenance: Provenance, strict: Bool = false) throws -> ImportOutcome {
        var accepted: [(ImportedMemory, String)] = []
        var rejected: [(origin: String, reason: String)] = []
        for item in items {
            do {
                accepted.append((item, try validContent(item.content)))
            } catch let error as MemoryError {
                rejected.append((item.origin, error.detail))
            }
        }
        if strict, let first = rejected.first {
            throw MemoryError.invalid("\(first.origin): \(first.reason) (\(rejected.count) invalid; nothing imported)")
        }
        let toStore = accepted
        let model = embedder.model
        do {
            var outcome = try ledger.writeSync { tx -> ImportOutcome in
                var outcome = ImportOutcome(added: [], duplicates: [], rejected: [])
                for (item, content) in toStore {
                    if let existing = try Self.memoryHolding(content, userID: item.userID, in: tx.db) {
                        outcome.duplicates.append((item.origin, existing))
                        continue
                    }
                    let (metadata, _) = Self.cleanMetadata(item.metadata)
                    let state = MemoryEvent.State(content: content, metadata: metadata, agentID: item.agentID, runID: item.runID)
                    let id = SecureRandom.uuid()
                    // The source's agent made the memory: the event says so too, so `audit --agent` finds it.
                    var made = provenance
                    made.agentID = item.agentID ?? provenance.agentID
                    try tx.append(
                        to: id, expected: .noStream,
                        events: [NewEvent(type: MemoryEvent.added, userID: item.userID, payload: state.payload)],
                        provenance: made)
                    // The cached vector when there is one, else a place in the queue the vector worker fills.
                    try Self.storeCachedVector(for: id, content: content, model: model, in: tx.db)
                    outcome.added.append(id)
                }
                return outcome
            }
            outcome.rejected = rejected
            return outcome
        } catch {
            throw Self.translate(error)
        }
    }
}
