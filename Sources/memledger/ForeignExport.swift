import JSON
import Ledger
import Memory

/// Readers for other memory servers' exports (DESIGN.md §6 "mem0 compatibility"): each yields the
/// memories to add and the lines or records it had to skip.
enum ForeignExport {
    /// A line or record that could not be read, and why (never its content).
    struct Skipped {
        var origin: String
        var reason: String
    }

    /// mem0 list output: `{"results": [...]}` from the self-hosted REST server's `GET /api/v1/memories`
    /// or the OSS `get_all` (v1.1), a bare list (older `get_all`), or JSON lines of such records.
    /// Each record needs `memory` (its text); `id`, `user_id`, `agent_id`, `run_id`, `metadata`,
    /// `created_at`, `updated_at`, `categories` are kept when present.
    static func mem0(_ bytes: [UInt8], defaultUser: String, agent: String?) -> ([ImportedMemory], [Skipped]) {
        var records: [(String, JSONValue)] = []
        var skipped: [Skipped] = []
        if let document = try? JSONValue.parse(bytes) {
            if let list = document["results"]?.arrayValue ?? document["memories"]?.arrayValue ?? document.arrayValue {
                records = list.enumerated().map { ("record \($0.offset + 1)", $0.element) }
            } else if document.objectValue?["memory"] != nil {
                records = [("record 1", document)]
            } else {
                return ([], [Skipped(origin: "file", reason: "neither a list nor an object with \"results\"")])
            }
        } else {
            for (i, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
                guard line.contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) else { continue }
                if let value = try? JSONValue.parse(line) {
                    records.append(("line \(i + 1)", value))
                } else {
                    skipped.append(Skipped(origin: "line \(i + 1)", reason: "not JSON"))
                }
            }
        }
        var items: [ImportedMemory] = []
        for (origin, record) in records {
            guard let object = record.objectValue else {
                skipped.append(Skipped(origin: origin, reason: "not an object"))
                continue
            }
            guard let text = object["memory"]?.stringValue ?? object["text"]?.stringValue ?? object["content"]?.stringValue else {
                skipped.append(Skipped(origin: origin, reason: "no \"memory\" text"))
                continue
            }
            var metadata = object["metadata"]?.objectValue ?? JSONObject()
            metadata["source"] = .string("mem0")
            if let id = scalarText(object["id"]) { metadata["source_id"] = .string(id) }
            if let created = object["created_at"]?.stringValue { metadata["source_created_at"] = .string(normalisedTime(created)) }
            if let updated = object["updated_at"]?.stringValue { metadata["source_updated_at"] = .string(normalisedTime(updated)) }
            if let categories = object["categories"], !categories.isNull { metadata["categories"] = categories }
            items.append(
                ImportedMemory(
                    userID: object["user_id"]?.stringValue ?? defaultUser, content: text,
                    agentID: object["agent_id"]?.stringValue ?? agent, runID: object["run_id"]?.stringValue, metadata: metadata,
                    origin: origin))
        }
        return (items, skipped)
    }

    /// The MCP reference "memory" server's knowledge graph (`memory.jsonl`): one entity or relation per
    /// line. Each observation of an entity becomes "<name>: <observation>" with the entity's name and
    /// type in metadata; each relation becomes "<from> <relationType> <to>".
    static func mcpMemory(_ bytes: [UInt8], user: String, agent: String?) -> ([ImportedMemory], [Skipped]) {
        var items: [ImportedMemory] = []
        var skipped: [Skipped] = []
        for (i, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) else { continue }
            let origin = "line \(i + 1)"
            guard let value = try? JSONValue.parse(line), let object = value.objectValue else {
                skipped.append(Skipped(origin: origin, reason: "not a JSON object"))
                continue
            }
            let type = object["type"]?.stringValue ?? (object["relationType"] != nil ? "relation" : "entity")
            switch type {
            case "entity":
                guard let name = object["name"]?.stringValue, let observations = object["observations"]?.arrayValue else {
                    skipped.append(Skipped(origin: origin, reason: "an entity needs \"name\" and \"observations\""))
                    continue
                }
                for (n, observation) in observations.enumerated() {
                    guard let text = observation.stringValue else {
                        skipped.append(Skipped(origin: "\(origin) observation \(n + 1)", reason: "not a string"))
                        continue
                    }
                    var metadata: JSONObject = [
                        "source": "mcp-memory", "entity_name": .string(name), "source_id": .string("entity:\(name)/\(n + 1)"),
                    ]
                    if let entityType = object["entityType"]?.stringValue { metadata["entity_type"] = .string(entityType) }
                    items.append(ImportedMemory(userID: user, content: "\(name): \(text)", agentID: agent, metadata: metadata, origin: origin))
                }
            case "relation":
                guard let from = object["from"]?.stringValue, let to = object["to"]?.stringValue,
                    let relation = object["relationType"]?.stringValue
                else {
                    skipped.append(Skipped(origin: origin, reason: "a relation needs \"from\", \"to\" and \"relationType\""))
                    continue
                }
                let metadata: JSONObject = [
                    "source": "mcp-memory", "relation_from": .string(from), "relation_type": .string(relation),
                    "relation_to": .string(to), "source_id": .string("relation:\(from)|\(relation)|\(to)"),
                ]
                items.append(ImportedMemory(userID: user, content: "\(from) \(relation) \(to)", agentID: agent, metadata: metadata, origin: origin))
            default:
                skipped.append(Skipped(origin: origin, reason: "unknown type"))
            }
        }
        return (items, skipped)
    }

    private static func scalarText(_ value: JSONValue?) -> String? {
        if let s = value?.stringValue { return s }
        if let n = value?.intValue { return String(n) }
        return nil
    }

    /// A source time in memledger's form when it parses, else as given.
    private static func normalisedTime(_ text: String) -> String {
        Timestamp(rfc3339: text)?.rfc3339 ?? text
    }
}
