import JSON
import Ledger
import SQLite

/// The memory stream's event types and their payloads (schema version 1; fields are only ever added, optional).
///
/// Payloads are JSON objects; each event carries the full state it sets, so the projector needs no
/// earlier event to apply it.
enum MemoryEvent {
    static let added = "memory.added"
    static let updated = "memory.updated"
    static let deleted = "memory.deleted"
    static let restored = "memory.restored"
    static let redacted = "memory.redacted"
    static let all = [added, updated, deleted, restored, redacted]
    /// The payload key of an `updated` event that a revert wrote.
    static let revertedToVersion = "reverted_to_version"

    /// `added`, `updated`, `restored`: the state after the event.
    struct State {
        var content: String
        var metadata: JSONObject
        var agentID: String?
        var runID: String?

        var payload: [UInt8] { payload(creation: nil) }

        /// The payload with `creation` beside the state (a `restored` event's).
        func payload(creation: Creation?) -> [UInt8] { JSONValue.object(fields(creation: creation)).serialized() }

        /// The payload of an `updated` event written by a revert: the state and the version it came from.
        func payload(revertedTo version: Int64) -> [UInt8] {
            var o = fields(creation: nil)
            o[MemoryEvent.revertedToVersion] = .int(version)
            return JSONValue.object(o).serialized()
        }

        private func fields(creation: Creation?) -> JSONObject {
            var o: JSONObject = ["content": .string(content), "metadata": .object(metadata)]
            if let agentID { o["agent_id"] = .string(agentID) }
            if let runID { o["run_id"] = .string(runID) }
            creation?.add(to: &o)
            return o
        }

        init(content: String, metadata: JSONObject, agentID: String?, runID: String?) {
            self.content = content
            self.metadata = metadata
            self.agentID = agentID
            self.runID = runID
        }

        /// Decodes a stored payload; nil when it is redacted or not a state.
        init?(payload: [UInt8]?) {
            self.init(payload.flatMap { try? JSONValue.parse($0) })
        }

        /// The state in a payload already parsed; nil when there is none or it is not a state.
        init?(_ value: JSONValue?) {
            guard let value, let content = value["content"]?.stringValue else { return nil }
            self.content = content
            self.metadata = value["metadata"]?.objectValue ?? JSONObject()
            self.agentID = value["agent_id"]?.stringValue
            self.runID = value["run_id"]?.stringValue
        }
    }

    /// Who created a memory and when, as its `added` event recorded them.
    ///
    /// A `restored` event carries it (`created_at`, `created_by`), so the memory it brings back keeps
    /// its creation and only its `updated_*` name the restorer. Restored events written before these
    /// fields existed have none and project with their own time and provenance, as they always did.
    struct Creation: Equatable {
        var at: Timestamp
        var agentID: String?
        var clientID: String?

        /// The creation recorded by the stream's first event (`memory.added`).
        init(of added: RecordedEvent) {
            at = added.occurredAt
            agentID = added.provenance.agentID
            clientID = added.provenance.clientID
        }

        /// Decodes the fields from a parsed payload; nil when absent, unreadable or redacted.
        init?(_ value: JSONValue?) {
            guard let value, let text = value["created_at"]?.stringValue, let at = Timestamp(rfc3339: text) else { return nil }
            self.at = at
            agentID = value["created_by"]?["agent_id"]?.stringValue
            clientID = value["created_by"]?["client_id"]?.stringValue
        }

        /// The fields added to a payload object.
        func add(to object: inout JSONObject) {
            object["created_at"] = .string(at.rfc3339)
            object["created_by"] = [
                "agent_id": agentID.map(JSONValue.string) ?? .null, "client_id": clientID.map(JSONValue.string) ?? .null,
            ]
        }
    }

    /// Extra fields of an event that carries no state (`deleted`, `redacted`) or a note beside it.
    static func note(_ fields: JSONObject) -> [UInt8] { JSONValue.object(fields).serialized() }
}

/// The two ends of a memory's stream in the ledger: who it belongs to (its first event's user) and what
/// happened to it last.
struct StreamEnds {
    var owner: String?
    var lastType: String
    var lastVersion: Int64
    var lastPosition: Int64

    /// Nil when the ledger has no event of stream `id`.
    init?(of id: String, in db: Connection) throws {
        guard let first = try db.first("SELECT user_id FROM events WHERE stream_id = ? ORDER BY position LIMIT 1", [.text(id)], { $0.optionalString(0) }),
            let last = try db.first(
                "SELECT type, stream_version, position FROM events WHERE stream_id = ? ORDER BY position DESC LIMIT 1", [.text(id)],
                { ($0.string(0), $0.int64(1), $0.int64(2)) })
        else { return nil }
        owner = first
        (lastType, lastVersion, lastPosition) = last
    }
}
