import JSON
import Ledger
import SQLite

/// One change in a memory's history, in ledger order.
public struct HistoryEntry: Sendable, Hashable {
    public var position: Int64
    public var version: Int64
    /// `added`, `updated`, `deleted`, `restored` or `redacted`.
    public var event: String
    public var at: Timestamp
    public var content: String?
    public var previousContent: String?
    public var metadata: JSONObject?
    public var previousMetadata: JSONObject?
    public var agentID: String?
    public var clientID: String?
    public var actor: String?
    public var transport: Transport
    /// True when this entry's content was erased by a redaction.
    public var redacted: Bool
    /// A redaction's reason, as its author gave it.
    public var reason: String?
    /// The version a revert set the memory back to (an `updated` event written by `revert`).
    public var revertedToVersion: Int64?

    public var json: JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        var o: JSONObject = [
            "position": .int(position), "version": .int(version), "event": .string(event), "created_at": .string(at.rfc3339),
            "content": text(content), "previous_content": text(previousContent), "agent_id": text(agentID),
            "client_id": text(clientID), "actor": text(actor), "transport": .string(transport.rawValue),
        ]
        o["metadata"] = metadata.map(JSONValue.object) ?? .null
        o["previous_metadata"] = previousMetadata.map(JSONValue.object) ?? .null
        if redacted { o["redacted"] = .bool(true) }
        if let reason { o["reason"] = .string(reason) }
        if let revertedToVersion { o["reverted_to_version"] = .int(revertedToVersion) }
        return .object(o)
    }
}

extension MemoryService {
    /// Every change of memory `id` (live, deleted or redacted), oldest first.
    public func history(_ id: String, caller: Caller) throws -> [HistoryEntry] {
        guard Self.isWellFormedID(id) else { throw MemoryError.notFound(id) }
        let events = try ledger.stream(id)
        guard let first = events.first, first.userID == caller.userID, first.type.hasPrefix("memory.") else {
            throw MemoryError.notFound(id)
        }
        return Self.history(of: events)
    }

    static func history(of events: [RecordedEvent]) -> [HistoryEntry] {
        var current: MemoryEvent.State?
        var entries: [HistoryEntry] = []
        for event in events {
            let note = event.payload.flatMap { try? JSONValue.parse($0) }
            let state = MemoryEvent.State(note)
            let carriesState = [MemoryEvent.added, MemoryEvent.updated, MemoryEvent.restored].contains(event.type)
            entries.append(
                HistoryEntry(
                    position: event.position, version: event.streamVersion,
                    event: String(event.type.dropFirst("memory.".count)), at: event.occurredAt,
                    content: carriesState ? state?.content : nil, previousContent: current?.content,
                    metadata: carriesState ? state?.metadata : nil, previousMetadata: current?.metadata,
                    agentID: event.provenance.agentID, clientID: event.provenance.clientID, actor: event.provenance.actor,
                    transport: event.provenance.transport, redacted: carriesState && event.isRedacted,
                    reason: event.type == MemoryEvent.redacted ? note?["reason"]?.stringValue : nil,
                    revertedToVersion: event.type == MemoryEvent.updated ? note?[MemoryEvent.revertedToVersion]?.intValue : nil))
            if carriesState { current = state }
        }
        return entries
    }

    /// The state a memory had at version `n` (the last state-carrying event at or before it).
    static func state(atVersion n: Int64, of events: [RecordedEvent]) -> (MemoryEvent.State?, found: Bool) {
        var state: MemoryEvent.State?
        var found = false
        for event in events where event.streamVersion <= n {
            if [MemoryEvent.added, MemoryEvent.updated, MemoryEvent.restored].contains(event.type) {
                state = MemoryEvent.State(payload: event.payload)
                found = true
            }
        }
        return (state, found)
    }

    /// Brings a deleted memory back with its last content and metadata and its original creation
    /// (time, agent, client), as a new event.
    /// - Parameter expectedVersion: when given, the restore happens only if the memory's last event (its
    ///   delete) has this version.
    public func restore(_ id: String, expectedVersion: Int64? = nil, caller: Caller) async throws -> Memory {
        guard Self.isWellFormedID(id) else { throw MemoryError.notFound(id) }
        let model = embedder.model
        return try await ledger.write { tx -> Memory in
            let events = try Ledger.stream(id, in: tx.db)
            guard let last = events.last, events.first?.userID == caller.userID else { throw MemoryError.notFound(id) }
            guard last.type == MemoryEvent.deleted else {
                if last.type == MemoryEvent.redacted { throw MemoryError(.conflict, "memory \(id) was redacted; its content is gone") }
                throw MemoryError(.conflict, "memory \(id) is not deleted")
            }
            try Self.check(id, at: last.streamVersion, expected: expectedVersion)
            guard let state = Self.state(atVersion: last.streamVersion, of: events).0 else {
                throw MemoryError(.conflict, "memory \(id) has no content to restore")
            }
            // The memory keeps who created it and when; the restorer is its last changer.
            let creation = events.first.flatMap { $0.type == MemoryEvent.added ? MemoryEvent.Creation(of: $0) : nil }
            if let other = try Self.memoryHolding(state.content, userID: caller.userID, in: tx.db) {
                throw MemoryError(.conflict, "memory \(other) already has this content")
            }
            try tx.append(
                to: id, expected: .exact(last.streamVersion),
                events: [NewEvent(type: MemoryEvent.restored, userID: caller.userID, payload: state.payload(creation: creation))],
                provenance: caller.provenance)
            try Self.storeCachedVector(for: id, content: state.content, model: model, in: tx.db)
            return try Self.memory(id, userID: caller.userID, in: tx.db)!
        }
    }

    /// Sets a live memory back to the content and metadata it had at version `version`, as a new event.
    /// - Parameter expectedVersion: when given, the revert happens only if the memory is at this version.
    public func revert(_ id: String, toVersion version: Int64, expectedVersion: Int64? = nil, caller: Caller) async throws -> Memory {
        guard Self.isWellFormedID(id) else { throw MemoryError.notFound(id) }
        let model = embedder.model
        return try await ledger.write { tx -> Memory in
            guard let current = try Self.memory(id, userID: caller.userID, in: tx.db) else {
                throw try Self.missing(id, userID: caller.userID, in: tx.db)
            }
            try Self.check(id, at: current.version, expected: expectedVersion)
            guard (1...current.version).contains(version) else {
                throw MemoryError.invalid("version must be between 1 and \(current.version)")
            }
            let events = try Ledger.stream(id, in: tx.db)
            let (found, _) = Self.state(atVersion: version, of: events)
            guard var state = found else { throw MemoryError(.conflict, "the content of version \(version) was redacted") }
            state.agentID = current.agentID
            if state.content == current.content && state.metadata == current.metadata { return current }
            try tx.append(
                to: id, expected: .exact(current.version),
                events: [NewEvent(type: MemoryEvent.updated, userID: caller.userID, payload: state.payload(revertedTo: version))],
                provenance: caller.provenance)
            try Self.storeCachedVector(for: id, content: state.content, model: model, in: tx.db)
            return try Self.memory(id, userID: caller.userID, in: tx.db)!
        }
    }
}
