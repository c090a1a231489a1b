import JSON
import Ledger
import SQLite

/// Filters on list, search and bulk delete. Every filter narrows; none widens past the user.
public struct MemoryFilter: Sendable, Hashable {
    public var agentID: String?
    public var runID: String?
    /// Metadata keys that must equal these values.
    public var metadata: JSONObject = JSONObject()
    public var createdAfter: Timestamp?
    public var createdBefore: Timestamp?
    public var updatedAfter: Timestamp?
    public var updatedBefore: Timestamp?

    public init(
        agentID: String? = nil, runID: String? = nil, metadata: JSONObject = JSONObject(), createdAfter: Timestamp? = nil,
        createdBefore: Timestamp? = nil, updatedAfter: Timestamp? = nil, updatedBefore: Timestamp? = nil
    ) {
        self.agentID = agentID
        self.runID = runID
        self.metadata = metadata
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.updatedAfter = updatedAfter
        self.updatedBefore = updatedBefore
    }

    /// True when the filter narrows anything.
    public var isEmpty: Bool {
        agentID == nil && runID == nil && metadata.isEmpty && createdAfter == nil && createdBefore == nil
            && updatedAfter == nil && updatedBefore == nil
    }

    /// SQL conditions on `memories m`, each prefixed by AND.
    func sql() throws -> (String, [SQLValue]) {
        var clauses: [String] = []
        var args: [SQLValue] = []
        if let agentID { clauses.append("m.agent_id = ?"); args.append(.text(agentID)) }
        if let runID { clauses.append("m.run_id = ?"); args.append(.text(runID)) }
        for (key, value) in metadata {
            let path = "$.\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            switch value {
            case .string(let s):
                clauses.append("json_extract(m.metadata, ?) = ? AND json_type(m.metadata, ?) = 'text'")
                args += [.text(path), .text(s), .text(path)]
            case .int(let n):
                clauses.append("json_extract(m.metadata, ?) = ? AND json_type(m.metadata, ?) = 'integer'")
                args += [.text(path), .integer(n), .text(path)]
            case .double(let d):
                clauses.append("json_extract(m.metadata, ?) = ?")
                args += [.text(path), .real(d)]
            case .bool(let b):
                clauses.append("json_type(m.metadata, ?) = ?")
                args += [.text(path), .text(b ? "true" : "false")]
            case .null:
                clauses.append("json_type(m.metadata, ?) = 'null'")
                args += [.text(path)]
            case .array, .object:
                throw MemoryError.invalid("metadata filter '\(key)' must be a string, number, boolean or null")
            }
        }
        if let createdAfter { clauses.append("m.created_at >= ?"); args.append(.text(createdAfter.rfc3339)) }
        if let createdBefore { clauses.append("m.created_at <= ?"); args.append(.text(createdBefore.rfc3339)) }
        if let updatedAfter { clauses.append("m.updated_at >= ?"); args.append(.text(updatedAfter.rfc3339)) }
        if let updatedBefore { clauses.append("m.updated_at <= ?"); args.append(.text(updatedBefore.rfc3339)) }
        return (clauses.map { " AND " + $0 }.joined(), args)
    }
}

/// One page of a list.
public struct MemoryPage: Sendable, Hashable {
    public var memories: [Memory]
    public var limit: Int
    public var offset: Int
    public var total: Int
    public var hasMore: Bool { offset + memories.count < total }
}

extension MemoryService {
    static let columns = """
        m.id, m.content, m.user_id, m.agent_id, m.run_id, m.metadata, m.created_at, m.updated_at, m.created_by_agent,
        m.created_by_client, m.updated_by_agent, m.updated_by_client, m.version, m.redacted, m.seq
        """

    static func decode(_ row: Row) -> Memory {
        Memory(
            id: row.string(0), content: row.optionalString(1), userID: row.string(2), agentID: row.optionalString(3),
            runID: row.optionalString(4),
            metadata: (try? JSONValue.parse(row.string(5)))?.objectValue ?? JSONObject(),
            createdAt: Timestamp(rfc3339: row.string(6)) ?? Timestamp(milliseconds: 0),
            updatedAt: Timestamp(rfc3339: row.string(7)) ?? Timestamp(milliseconds: 0),
            createdBy: Actor(agentID: row.optionalString(8), clientID: row.optionalString(9)),
            updatedBy: Actor(agentID: row.optionalString(10), clientID: row.optionalString(11)), version: row.int64(12),
            redacted: row.bool(13))
    }

    /// The live memory `id` of `userID`, read on `db`.
    static func memory(_ id: String, userID: String, in db: Connection) throws -> Memory? {
        guard isWellFormedID(id) else { return nil }
        return try db.first("SELECT \(columns) FROM memories m WHERE m.id = ? AND m.user_id = ?", [.text(id), .text(userID)], decode)
    }

    /// The id of the user's live memory holding `content` (as duplicate detection compares it), other than
    /// `except`; nil when there is none.
    static func memoryHolding(_ content: String, userID: String, except id: String? = nil, in db: Connection) throws -> String? {
        try db.first(
            "SELECT id FROM memories WHERE user_id = ? AND fingerprint = ? AND id IS NOT ?",
            [.text(userID), .blob(ContentNormalizer.fingerprint(content)), .text(id)], { $0.string(0) })
    }

    /// The live memory `id`.
    /// - Throws: `MemoryError` `.notFound` when it does not exist, was deleted or belongs to another user.
    public func get(_ id: String, caller: Caller) throws -> Memory {
        try ledger.read { db in
            guard let memory = try Self.memory(id, userID: caller.userID, in: db) else { throw try Self.missing(id, userID: caller.userID, in: db) }
            return memory
        }
    }

    /// Why the user has no live memory `id`: it never was theirs (plain "not found", saying nothing of
    /// another user's memories), or it was deleted (and can be restored), or redacted.
    static func missing(_ id: String, userID: String, in db: Connection) throws -> MemoryError {
        guard isWellFormedID(id), let stream = try StreamEnds(of: id, in: db), stream.owner == userID else { return .notFound(id) }
        switch stream.lastType {
        case MemoryEvent.deleted:
            return MemoryError(.notFound, "memory '\(id)' was deleted (version \(stream.lastVersion)); restore brings it back")
        case MemoryEvent.redacted:
            return MemoryError(.notFound, "memory '\(id)' was redacted; its content is gone")
        default:
            return .notFound(id)
        }
    }

    /// A page of the user's live memories, newest first.
    public func list(filter: MemoryFilter = MemoryFilter(), limit: Int = 50, offset: Int = 0, caller: Caller) throws -> MemoryPage {
        guard (1...100).contains(limit) else { throw MemoryError.invalid("limit must be between 1 and 100 (got \(limit))") }
        guard offset >= 0 else { throw MemoryError.invalid("offset must not be negative (got \(offset))") }
        let (clause, args) = try filter.sql()
        return try ledger.read { db in
            // Unfiltered, the total is the user's row in `memory_counts` (kept by the projector); counting
            // every row of a large store on each page cost more than the page itself.
            let total =
                filter.isEmpty
                ? try db.scalarInt("SELECT live FROM memory_counts WHERE user_id = ?", [.text(caller.userID)]) ?? 0
                : try db.scalarInt("SELECT count(*) FROM memories m WHERE m.user_id = ?" + clause, [.text(caller.userID)] + args) ?? 0
            let memories = try db.query(
                "SELECT \(Self.columns) FROM memories m WHERE m.user_id = ?" + clause
                    + " ORDER BY m.created_at DESC, m.seq DESC LIMIT ? OFFSET ?",
                [.text(caller.userID)] + args + [.int(limit), .int(offset)], Self.decode)
            return MemoryPage(memories: memories, limit: limit, offset: offset, total: Int(total))
        }
    }

    /// How many live memories each user has, and the ledger head: for `stats` and `/metrics`.
    public func counts() throws -> (memories: Int64, events: Int64) {
        try ledger.read { db in
            (try db.scalarInt("SELECT count(*) FROM memories") ?? 0, try db.scalarInt("SELECT max(position) FROM events") ?? 0)
        }
    }
}
