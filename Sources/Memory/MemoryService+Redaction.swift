import Crypto
import JSON
import Ledger
import SQLite

/// The answer to a redaction.
public struct RedactionResult: Sendable, Hashable {
    public var memoryIDs: [String]
    public var payloadsErased: Int
}

extension MemoryService {
    /// Erases memory `id`'s content from its whole history and deletes it if live.
    ///
    /// Payload rows, read model, full-text rows (segments merged), vectors and embedding-cache entries go;
    /// a `memory.redacted` event records who did it and why; every hash stays verifiable. The WAL is
    /// checkpointed afterwards so no copy of the content survives in it.
    public func redact(_ id: String, reason: String, caller: Caller) async throws -> RedactionResult {
        guard Self.isWellFormedID(id) else { throw MemoryError.notFound(id) }
        let result = try await ledger.write { tx -> RedactionResult in
            guard let stream = try StreamEnds(of: id, in: tx.db), stream.owner == caller.userID else { throw MemoryError.notFound(id) }
            // A second redaction would erase nothing but the first one's reason.
            if stream.lastType == MemoryEvent.redacted {
                throw MemoryError(.conflict, "memory \(id) was already redacted (event \(stream.lastPosition)); there is nothing left to erase")
            }
            return RedactionResult(memoryIDs: [id], payloadsErased: try Self.redact(id, userID: caller.userID, reason: reason, tx: tx, caller: caller))
        }
        _ = try? ledger.checkpoint()
        return result
    }

    /// Redacts every memory the user ever had.
    public func redactUser(_ userID: String, reason: String, caller: Caller) async throws -> RedactionResult {
        let result = try await ledger.write { tx -> RedactionResult in
            let ids = try tx.db.query(
                "SELECT DISTINCT stream_id FROM events WHERE user_id = ? AND type = ? ORDER BY position", [.text(userID), .text(MemoryEvent.added)]
            ) { $0.string(0) }
            var erased = 0
            var redactedIDs: [String] = []
            for id in ids {
                if try StreamEnds(of: id, in: tx.db)?.lastType == MemoryEvent.redacted { continue }
                erased += try Self.redact(id, userID: userID, reason: reason, tx: tx, caller: caller)
                redactedIDs.append(id)
            }
            return RedactionResult(memoryIDs: redactedIDs, payloadsErased: erased)
        }
        _ = try? ledger.checkpoint()
        return result
    }

    static func redact(_ id: String, userID: String, reason: String, tx: LedgerTransaction, caller: Caller) throws -> Int {
        // Embedding-cache keys are digests of content this stream held: erase them too.
        let contents = try tx.db.query(
            "SELECT p.payload FROM events e JOIN event_payloads p ON p.position = e.position WHERE e.stream_id = ?", [.text(id)]
        ) { MemoryEvent.State(payload: $0.blob(0))?.content }.compactMap { $0 }
        for content in contents {
            try tx.db.run("DELETE FROM embedding_cache WHERE content_digest = ?", .blob(SHA256.hash(content)))
        }
        let erased = try tx.erasePayloads(ofStream: id)
        try tx.append(
            to: id, events: [NewEvent(type: MemoryEvent.redacted, userID: userID, payload: MemoryEvent.note(["reason": .string(reason)]))],
            provenance: caller.provenance)
        // Merge the full-text segments so no trace of the erased terms is left in old segments.
        try tx.db.run("INSERT INTO memories_fts (memories_fts) VALUES ('optimize')")
        return erased
    }
}
