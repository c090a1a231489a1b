import JSON
import Ledger

/// The memory stream's event types and their payloads (schema version 1).
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

    /// `added`, `updated`, `restored`: the state after the event.
    struct State {
        var content: String
        var metadata: JSONObject
        var agentID: String?
        var runID: String?

        var payload: [UInt8] {
            var o: JSONObject = ["content": .string(content), "metadata": .object(metadata)]
            if let agentID { o["agent_id"] = .string(agentID) }
            if let runID { o["run_id"] = .string(runID) }
            return JSONValue.object(o).serialized()
        }

        init(content: String, metadata: JSONObject, agentID: String?, runID: String?) {
            self.content = content
            self.metadata = metadata
            self.agentID = agentID
            self.runID = runID
        }

        /// Decodes a stored payload; nil when it is redacted or not a state.
        init?(payload: [UInt8]?) {
            guard let payload, let value = try? JSONValue.parse(payload), let content = value["content"]?.stringValue
            else { return nil }
            self.content = content
            self.metadata = value["metadata"]?.objectValue ?? JSONObject()
            self.agentID = value["agent_id"]?.stringValue
            self.runID = value["run_id"]?.stringValue
        }
    }

    /// Extra fields of an event that carries no state (`deleted`, `redacted`) or a note beside it.
    static func note(_ fields: JSONObject) -> [UInt8] { JSONValue.object(fields).serialized() }
}
