import HTTP
import JSON
import Ledger
import Memory

extension Endpoints {
    /// The body fields each route reads (a misspelling of one is refused, other fields ignored).
    static let addFields: Set<String> = ["content", "messages", "user_id", "agent_id", "run_id", "metadata", "dedup"]
    static let updateFields: Set<String> = ["content", "metadata", "user_id", "agent_id"]
    static let changeFields: Set<String> = ["user_id", "agent_id"]
    static let redactFields = changeFields.union(["reason"])
    static let revertFields = changeFields.union(["version", "to_version"])
    /// `top_k` and `threshold` are mem0's names for `limit` and `min_score`.
    static let searchFields = RequestFields.filterKeys.union(["query", "limit", "mode", "min_score", "recency_weight", "filters", "top_k", "threshold"])
    static let bulkDeleteFields = RequestFields.filterKeys.union(["confirm", "filters"])
    /// The query parameters of the routes of one memory: who acts, and as which agent.
    static let memoryQuery: Set<String> = ["user_id", "agent_id"]

    /// `POST /api/v1/memories`: one `content`, or `messages` stored one memory per message.
    @Sendable func addMemory(_ context: RequestContext) async throws -> HTTPResponse {
        let query = try RequestFields.query(context, accepting: Self.memoryQuery)
        let body = try RequestFields.body(context, fields: Self.addFields)
        guard body.has("content") || body.has("messages") else {
            throw APIError(422, "validation_error", "give 'content' (text) or 'messages' (a list of {role, content})")
        }
        var request = AddRequest(
            content: try body.string("content"), agentID: try body.identifier("agent_id", orIn: query), runID: try body.identifier("run_id"),
            metadata: try body.objectValue("metadata") ?? JSONObject(), dedup: try body.bool("dedup") ?? true)
        if let messages = body.object["messages"], !messages.isNull {
            guard let list = messages.arrayValue, !list.isEmpty else {
                throw APIError.validation("'messages' must be a non-empty list of {role, content}")
            }
            request.messages = try list.map { item throws(APIError) -> (role: String, content: String) in
                guard let role = item["role"]?.stringValue, let content = item["content"]?.stringValue else {
                    throw APIError.validation("each message needs a string 'role' and a string 'content'")
                }
                return (role, content)
            }
        }
        let principal = context.caller
        let user = try effectiveUser(try body.identifier("user_id", orIn: query), principal)
        if request.agentID == nil { request.agentID = principal.agentName }
        let result = try await service.add(request, caller: try caller(context, userID: user, agentID: request.agentID))
        let entries = result.entries.map { entry -> JSONValue in
            var o = entry.memory.json.objectValue ?? JSONObject()
            o["deduplicated"] = .bool(entry.deduplicated)
            return .object(o)
        }
        let created = result.entries.contains { !$0.deduplicated }
        let ignored = JSONValue.array(result.ignoredMetadataKeys.map(JSONValue.string))
        if request.messages == nil, let first = entries.first, var o = first.objectValue {
            if !result.ignoredMetadataKeys.isEmpty { o["ignored_metadata_keys"] = ignored }
            return Self.json(.object(o), status: created ? 201 : 200, headers: Self.etag(result.entries[0].memory))
        }
        var o: JSONObject = ["results": .array(entries)]
        if !result.ignoredMetadataKeys.isEmpty { o["ignored_metadata_keys"] = ignored }
        return Self.json(.object(o), status: created ? 201 : 200)
    }

    static let listQuery = RequestFields.filterKeys.union(["limit", "offset"])

    /// `GET /api/v1/memories`: filters in the query, `limit` 1–100 (default 50), `offset`.
    @Sendable func listMemories(_ context: RequestContext) async throws -> HTTPResponse {
        let query = try RequestFields.query(context, accepting: Self.listQuery, metadataKeys: true)
        let user = try effectiveUser(try query.identifier("user_id"), context.caller)
        let limit = try query.integer("limit", in: 1...100) ?? 50
        let offset = try query.integer("offset", in: 0...Int(Int32.max)) ?? 0
        let page = try service.list(filter: try query.filter(), limit: limit, offset: offset, caller: try caller(context, userID: user))
        return Self.json([
            "results": .array(page.memories.map(\.json)),
            "pagination": ["limit": .int(Int64(limit)), "offset": .int(Int64(offset)), "has_more": .bool(page.hasMore),
                           "total": .int(Int64(page.total))],
        ])
    }

    /// `GET /api/v1/memories/{id}`.
    @Sendable func getMemory(_ context: RequestContext) async throws -> HTTPResponse {
        let query = try RequestFields.query(context, accepting: ["user_id"])
        let user = try effectiveUser(try query.identifier("user_id"), context.caller)
        let memory = try service.get(context.parameter("id"), caller: try caller(context, userID: user))
        return Self.json(memory.json, headers: Self.etag(memory))
    }

    /// `PUT /api/v1/memories/{id}`: new `content` and/or `metadata`; `If-Match: "<version>"` makes it conditional.
    @Sendable func updateMemory(_ context: RequestContext) async throws -> HTTPResponse {
        let (body, who) = try changeRequest(context, fields: Self.updateFields)
        let content = try body.string("content")
        let metadata = try body.objectValue("metadata")
        guard content != nil || metadata != nil else { throw APIError.validation("give 'content' and/or 'metadata'") }
        let (memory, ignored) = try await Self.conditionally(context) { expected in
            try await service.update(context.parameter("id"), content: content, metadata: metadata, expectedVersion: expected, caller: who)
        }
        var o = memory.json.objectValue ?? JSONObject()
        if !ignored.isEmpty { o["ignored_metadata_keys"] = .array(ignored.map(JSONValue.string)) }
        return Self.json(.object(o), headers: Self.etag(memory))
    }

    /// `DELETE /api/v1/memories/{id}`; `If-Match: "<version>"` makes it conditional.
    @Sendable func deleteMemory(_ context: RequestContext) async throws -> HTTPResponse {
        let (_, who) = try changeRequest(context, fields: Self.changeFields, allowEmpty: true)
        let memory = try await Self.conditionally(context) { expected in
            try await service.delete(context.parameter("id"), expectedVersion: expected, caller: who)
        }
        return Self.json(["id": .string(memory.id), "deleted": true, "message": "memory deleted", "version": .int(memory.version)])
    }

    /// `POST /api/v1/memories/delete_bulk`: at least one filter besides `user_id`; a dry run unless `confirm`.
    @Sendable func bulkDelete(_ context: RequestContext) async throws -> HTTPResponse {
        _ = try RequestFields.query(context, accepting: [])
        let body = try RequestFields.body(context, fields: Self.bulkDeleteFields).foldingFilters()
        let filter = try body.filter()
        guard !filter.isEmpty else {
            throw APIError.badRequest("give at least one filter besides user_id (agent_id, run_id, metadata, created_*/updated_*)")
        }
        let user = try effectiveUser(try body.identifier("user_id"), context.caller)
        let result = try await service.bulkDelete(filter: filter, confirm: try body.bool("confirm") ?? false, caller: try caller(context, userID: user))
        return Self.json(["matched": .int(Int64(result.matched)), "deleted": .int(Int64(result.deleted)), "dry_run": .bool(result.dryRun)])
    }

    /// `GET /api/v1/memories/{id}/history`.
    @Sendable func history(_ context: RequestContext) async throws -> HTTPResponse {
        let query = try RequestFields.query(context, accepting: ["user_id"])
        let user = try effectiveUser(try query.identifier("user_id"), context.caller)
        let entries = try service.history(context.parameter("id"), caller: try caller(context, userID: user))
        return Self.json(["id": .string(context.parameter("id")), "history": .array(entries.map(\.json))])
    }

    /// `POST /api/v1/memories/{id}/redact`: erase the content everywhere in the data directory.
    @Sendable func redact(_ context: RequestContext) async throws -> HTTPResponse {
        let (body, who) = try changeRequest(context, fields: Self.redactFields, allowEmpty: true)
        let reason = try body.string("reason") ?? "redacted over REST"
        let result = try await service.redact(context.parameter("id"), reason: reason, caller: who)
        return Self.json(["redacted": .array(result.memoryIDs.map(JSONValue.string)), "payloads_erased": .int(Int64(result.payloadsErased))])
    }

    /// `POST /api/v1/memories/{id}/restore`: bring a deleted memory back; `If-Match` names the delete's version.
    @Sendable func restore(_ context: RequestContext) async throws -> HTTPResponse {
        let (_, who) = try changeRequest(context, fields: Self.changeFields, allowEmpty: true)
        let memory = try await Self.conditionally(context) { expected in
            try await service.restore(context.parameter("id"), expectedVersion: expected, caller: who)
        }
        return Self.json(memory.json, headers: Self.etag(memory))
    }

    /// `POST /api/v1/memories/{id}/revert`: `{"version": N}` sets content and metadata back to version N;
    /// `If-Match` makes it conditional.
    @Sendable func revert(_ context: RequestContext) async throws -> HTTPResponse {
        let (body, who) = try changeRequest(context, fields: Self.revertFields)
        guard let version = try body.integer("version", in: 1...Int(Int32.max)) ?? body.integer("to_version", in: 1...Int(Int32.max)) else {
            throw APIError.validation("give 'version', the version to go back to")
        }
        let memory = try await Self.conditionally(context) { expected in
            try await service.revert(context.parameter("id"), toVersion: Int64(version), expectedVersion: expected, caller: who)
        }
        return Self.json(memory.json, headers: Self.etag(memory))
    }

    /// `POST /api/v1/memories/search`: `query`, `limit` 1–100 (default 10), `mode`, `recency_weight`,
    /// `min_score` and the list filters, at the top level or in `filters`. Without an `agent_id` filter it
    /// spans every agent.
    @Sendable func searchMemories(_ context: RequestContext) async throws -> HTTPResponse {
        _ = try RequestFields.query(context, accepting: [])
        let body = try RequestFields.body(context, fields: Self.searchFields).foldingFilters()
        guard let query = try body.string("query") else { throw APIError.validation("give 'query', the text to search for") }
        guard !query.allSatisfy(\.isWhitespace) else { throw APIError.badRequest("'query' must not be empty or only whitespace") }
        var mode = SearchMode.hybrid
        if let text = try body.string("mode") {
            guard let m = SearchMode(rawValue: text) else { throw APIError.validation("'mode' must be hybrid, semantic or keyword") }
            mode = m
        }
        let request = SearchRequest(
            query: query, mode: mode, limit: try body.integer("limit", alias: "top_k", in: 1...100) ?? 10, filter: try body.filter(),
            minScore: try body.double("min_score", alias: "threshold", in: 0...1), recencyWeight: try body.double("recency_weight", in: 0...1) ?? 0)
        let user = try effectiveUser(try body.identifier("user_id"), context.caller)
        let result = try await service.search(request, caller: try caller(context, userID: user))
        return Self.json(result.json)
    }

    /// The body of a change to one memory and its caller: `user_id` and `agent_id` may stand in the body or
    /// the query (DELETE has no body), and the change is credited to that agent, else the credential's.
    func changeRequest(_ context: RequestContext, fields: Set<String>, allowEmpty: Bool = false) throws(APIError) -> (RequestFields, Caller) {
        let query = try RequestFields.query(context, accepting: Self.memoryQuery)
        let body = try RequestFields.body(context, fields: fields, allowEmpty: allowEmpty)
        let user = try effectiveUser(try body.identifier("user_id", orIn: query), context.caller)
        return (body, try caller(context, userID: user, agentID: try body.identifier("agent_id", orIn: query)))
    }

    /// Runs a change with the version the request's `If-Match` names (nil without one), answering 412 when
    /// the memory is no longer at that version.
    static func conditionally<T>(_ context: RequestContext, _ change: (Int64?) async throws -> T) async throws -> T {
        let expected = try ifMatch(context.request.headers["If-Match"])
        do {
            return try await change(expected)
        } catch let error as MemoryError where error.code == .versionConflict && expected != nil {
            throw APIError(412, "precondition_failed", error.detail)
        }
    }

    /// The version of `memory` as an entity tag, for `If-Match`.
    static func etag(_ memory: Memory) -> HTTPHeaders { ["ETag": "\"\(memory.version)\""] }

    /// The version in an `If-Match` header: `"3"`, `W/"3"` or `3`; nil when absent or `*`.
    static func ifMatch(_ header: String?) throws(APIError) -> Int64? {
        guard var text = header?.trimmingSpaces(), text != "*" else { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        guard let version = Int64(text), version >= 1 else {
            throw APIError.badRequest("If-Match must be the memory's version as an entity tag, e.g. \"3\"")
        }
        return version
    }
}
