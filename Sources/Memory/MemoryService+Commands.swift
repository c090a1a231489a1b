import Crypto
import JSON
import Ledger
import SQLite

/// What to add: one content, or chat messages stored one memory per message.
public struct AddRequest: Sendable {
    public var content: String?
    /// `(role, content)` pairs; each becomes a memory with `role` in its metadata.
    public var messages: [(role: String, content: String)]?
    public var agentID: String?
    public var runID: String?
    public var metadata: JSONObject
    /// Answer an exact repeat with the existing memory instead of storing it again.
    public var dedup: Bool

    public init(
        content: String? = nil, messages: [(role: String, content: String)]? = nil, agentID: String? = nil,
        runID: String? = nil, metadata: JSONObject = JSONObject(), dedup: Bool = true
    ) {
        self.content = content
        self.messages = messages
        self.agentID = agentID
        self.runID = runID
        self.metadata = metadata
        self.dedup = dedup
    }
}

/// The answer to an add: one entry per stored (or matched) memory.
public struct AddResult: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var memory: Memory
        /// True when the content was already stored: `memory` is the existing one and nothing was appended.
        public var deduplicated: Bool
    }

    public var entries: [Entry]
    /// Identity keys (`user_id`, `agent_id`, `run_id`) found in metadata and not stored there.
    public var ignoredMetadataKeys: [String]
}

/// The answer to a bulk delete.
public struct BulkDeleteResult: Sendable, Hashable, Codable {
    public var matched: Int
    public var deleted: Int
    public var dryRun: Bool
}

extension MemoryService {
    /// Adds content (or chat messages) as new memories.
    ///
    /// Exact repeats of a live memory of the same user (NFC, case-folded, whitespace collapsed) are not
    /// stored twice: the entry names the existing memory and says `deduplicated`. Correct under
    /// concurrent adds, because the check and the append share the write lock.
    public func add(_ request: AddRequest, caller: Caller) async throws -> AddResult {
        let items: [(String, String?)]
        if let messages = request.messages, !messages.isEmpty {
            guard request.content == nil else { throw MemoryError.invalid("give either content or messages, not both") }
            items = try messages.map { (try validContent($0.content), $0.role) }
        } else if let content = request.content {
            items = [(try validContent(content), nil)]
        } else {
            throw MemoryError.invalid("content (or messages) is required")
        }
        let (metadata, dropped) = Self.cleanMetadata(request.metadata)
        let agentID = request.agentID ?? caller.provenance.agentID
        let key = Self.idempotency(
            caller, "add",
            [
                "items": .array(items.map { JSONValue.array([.string($0.0), $0.1.map(JSONValue.string) ?? .null]) }), "agent": agentID.map(JSONValue.string) ?? .null,
                "run": request.runID.map(JSONValue.string) ?? .null, "metadata": .object(request.metadata), "dedup": .bool(request.dedup),
            ])
        let dedup = request.dedup
        let runID = request.runID
        // Embed and fingerprint before taking the writer, so that work runs on the callers' cores.
        var embeddings: [[[Float]]?] = []
        for (content, _) in items { embeddings.append(await embedding(for: content)) }
        let fingerprints = items.map { ContentNormalizer.fingerprint($0.0) }
        let model = embedder.model
        let prepared = Array(zip(zip(items, fingerprints), embeddings))
        do {
            let outcome = try await ledger.write(idempotency: key, subjects: { $0.entries.map(\.memory.id) }) { tx in
                var entries: [AddResult.Entry] = []
                for (((content, role), fingerprint), vector) in prepared {
                    var itemMetadata = metadata
                    if let role { itemMetadata["role"] = .string(role) }
                    if let existing = try tx.db.first(
                        "SELECT \(Self.columns) FROM memories m WHERE m.user_id = ? AND m.fingerprint = ?",
                        [.text(caller.userID), .blob(fingerprint)], Self.decode)
                    {
                        guard dedup else {
                            throw MemoryError(.conflict, "memory \(existing.id) already has this content; send \"dedup\": true (the default) to get that memory back instead of this error")
                        }
                        entries.append(.init(memory: existing, deduplicated: true))
                        continue
                    }
                    let id = SecureRandom.uuid()
                    let state = MemoryEvent.State(content: content, metadata: itemMetadata, agentID: agentID, runID: runID)
                    try tx.append(
                        to: id, expected: .noStream,
                        events: [NewEvent(type: MemoryEvent.added, userID: caller.userID, payload: state.payload)],
                        provenance: caller.provenance)
                    guard let memory = try Self.memory(id, userID: caller.userID, in: tx.db), let seq = try Self.seq(of: id, in: tx.db) else {
                        throw LedgerError.corrupt("memory \(id) was appended but not projected")
                    }
                    try Self.storeVector(vector, seq: seq, content: content, model: model, in: tx.db)
                    entries.append(.init(memory: memory, deduplicated: false))
                }
                return AddResult(entries: entries, ignoredMetadataKeys: dropped)
            }
            return outcome.value
        } catch {
            throw Self.translate(error)
        }
    }

    /// Changes a memory's content and/or metadata.
    /// - Parameter expectedVersion: when given, the update happens only if the memory is at that version.
    public func update(
        _ id: String, content: String? = nil, metadata: JSONObject? = nil, expectedVersion: Int64? = nil, caller: Caller
    ) async throws -> (memory: Memory, ignoredMetadataKeys: [String]) {
        guard content != nil || metadata != nil else { throw MemoryError.invalid("give content and/or metadata to update") }
        let newContent = try content.map(validContent)
        let cleaned = metadata.map(Self.cleanMetadata)
        var newVector: [[Float]]?
        if let newContent { newVector = await embedding(for: newContent) }
        let model = embedder.model
        let vector = newVector
        let key = Self.idempotency(
            caller, "update",
            ["id": .string(id), "content": newContent.map(JSONValue.string) ?? .null, "metadata": metadata.map(JSONValue.object) ?? .null,
             "expected": expectedVersion.map(JSONValue.int) ?? .null])
        do {
            let outcome = try await ledger.write(idempotency: key, subjects: { [$0.id] }) { tx -> Memory in
                guard let current = try Self.memory(id, userID: caller.userID, in: tx.db), let currentContent = current.content else {
                    throw try Self.missing(id, userID: caller.userID, in: tx.db)
                }
                try Self.check(id, at: current.version, expected: expectedVersion)
                let state = MemoryEvent.State(
                    content: newContent ?? currentContent, metadata: cleaned?.0 ?? current.metadata, agentID: current.agentID,
                    runID: current.runID)
                if state.content == currentContent && state.metadata == current.metadata { return current }
                if newContent != nil, let other = try Self.memoryHolding(state.content, userID: caller.userID, except: id, in: tx.db) {
                    throw MemoryError(.conflict, "memory \(other) already has this content")
                }
                try tx.append(
                    to: id, expected: .exact(current.version),
                    events: [NewEvent(type: MemoryEvent.updated, userID: caller.userID, payload: state.payload)],
                    provenance: caller.provenance)
                if state.content != currentContent, let seq = try Self.seq(of: id, in: tx.db) {
                    try Self.storeVector(vector, seq: seq, content: state.content, model: model, in: tx.db)
                }
                return try Self.memory(id, userID: caller.userID, in: tx.db)!
            }
            return (outcome.value, cleaned?.1 ?? [])
        } catch {
            throw Self.translate(error)
        }
    }

    /// Deletes a live memory; its history stays in the ledger and `restore` can bring it back.
    /// - Parameter expectedVersion: when given, the delete happens only if the memory is at this version.
    /// - Returns: the memory as the delete left it: its last content, with the delete event's
    ///   version, time and provenance as `version`, `updatedAt` and `updatedBy`.
    public func delete(_ id: String, expectedVersion: Int64? = nil, caller: Caller) async throws -> Memory {
        let key = Self.idempotency(caller, "delete", ["id": .string(id), "expected": expectedVersion.map(JSONValue.int) ?? .null])
        do {
            return try await ledger.write(idempotency: key, subjects: { [$0.id] }) { tx -> Memory in
                guard var memory = try Self.memory(id, userID: caller.userID, in: tx.db) else {
                    throw try Self.missing(id, userID: caller.userID, in: tx.db)
                }
                try Self.check(id, at: memory.version, expected: expectedVersion)
                let recorded = try tx.append(
                    to: id, expected: .exact(memory.version),
                    events: [NewEvent(type: MemoryEvent.deleted, userID: caller.userID, payload: MemoryEvent.note([:]))],
                    provenance: caller.provenance)
                if let event = recorded.last {
                    memory.version = event.streamVersion
                    memory.updatedAt = event.occurredAt
                    memory.updatedBy = Actor(agentID: event.provenance.agentID, clientID: event.provenance.clientID)
                }
                return memory
            }.value
        } catch {
            throw Self.translate(error)
        }
    }

    /// Refuses a conditional change of a memory that is no longer at the version its caller saw.
    static func check(_ id: String, at version: Int64, expected: Int64?) throws {
        if let expected, expected != version {
            throw MemoryError(.versionConflict, "memory \(id) is at version \(version), not \(expected)")
        }
    }

    /// Deletes every live memory of the user that matches `filter`, in one transaction.
    /// - Parameter confirm: false (the default) only counts what would be deleted.
    public func bulkDelete(filter: MemoryFilter, confirm: Bool = false, caller: Caller) async throws -> BulkDeleteResult {
        guard !filter.isEmpty else {
            throw MemoryError.invalid("bulk delete needs at least one filter besides the user (agent_id, run_id, metadata or a time range)")
        }
        let (clause, args) = try filter.sql()
        let select = "SELECT m.id, m.version FROM memories m WHERE m.user_id = ?" + clause
        guard confirm else {
            let matched = try ledger.read { db in try db.query(select, [.text(caller.userID)] + args) { $0.string(0) }.count }
            return BulkDeleteResult(matched: matched, deleted: 0, dryRun: true)
        }
        let key = Self.idempotency(caller, "delete_bulk", .string(select + args.description))
        do {
            return try await ledger.write(idempotency: key, subjects: { _ in [] }) { tx in
                let targets = try tx.db.query(select, [.text(caller.userID)] + args) { ($0.string(0), $0.int64(1)) }
                for (id, version) in targets {
                    try tx.append(
                        to: id, expected: .exact(version),
                        events: [NewEvent(type: MemoryEvent.deleted, userID: caller.userID, payload: MemoryEvent.note(["bulk": true]))],
                        provenance: caller.provenance)
                }
                return BulkDeleteResult(matched: targets.count, deleted: targets.count, dryRun: false)
            }.value
        } catch {
            throw Self.translate(error)
        }
    }
}
