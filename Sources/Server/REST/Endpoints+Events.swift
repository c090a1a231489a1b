import Crypto
import HTTP
import JSON
import Ledger
import Memory

extension Endpoints {
    /// `GET /api/v1/events`: the ledger after `after`, oldest first, filtered and paged.
    ///
    /// Without `admin` a caller sees only its own user's events. Redacted payloads read as `null`.
    @Sendable func events(_ context: RequestContext) async throws -> HTTPResponse {
        let query = try RequestFields.query(context, accepting: Self.eventQuery)
        let principal = context.caller
        let after = Int64(try query.integer("after", in: 0...Int.max) ?? 0)
        let limit = try query.integer("limit", in: 1...1000) ?? 100
        let types = try query.string("type").map { list throws(APIError) in
            try list.split(separator: ",", omittingEmptySubsequences: false).map { name throws(APIError) in
                guard let type = EventTypes.named(name) else { throw .validation("'type': \(EventTypes.refusal(of: name))") }
                return type
            }
        }
        var filter = EventFilter(
            types: types,
            streamID: try query.identifier("stream_id"), agentID: try query.identifier("agent_id"),
            clientID: try query.identifier("client_id"), since: try query.timestamp("since"), until: try query.timestamp("until"))
        if principal.has(.admin) {
            filter.userID = try query.identifier("user_id")
        } else {
            filter.userID = try effectiveUser(try query.identifier("user_id"), principal)
        }
        // One more than asked tells whether another page follows.
        let events = try service.ledger.events(after: after, limit: limit + 1, filter: filter)
        let page = events.prefix(limit)
        return Self.json([
            "events": .array(page.map(Self.json)),
            "next_after": .int(page.last?.position ?? after),
            "has_more": .bool(events.count > limit),
        ])
    }

    static let eventQuery: Set<String> = ["after", "limit", "type", "stream_id", "user_id", "agent_id", "client_id", "since", "until"]

    static func json(_ event: RecordedEvent) -> JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        var o: JSONObject = [
            "position": .int(event.position), "event_id": .string(event.eventID), "stream_id": .string(event.streamID),
            "stream_version": .int(event.streamVersion), "type": .string(event.type),
            "schema_version": .int(Int64(event.schemaVersion)), "occurred_at": .string(event.occurredAt.rfc3339),
            "user_id": text(event.userID), "agent_id": text(event.provenance.agentID), "client_id": text(event.provenance.clientID),
            "actor": text(event.provenance.actor), "transport": .string(event.provenance.transport.rawValue),
            "request_id": text(event.provenance.requestID), "hash": .string(event.hash.hexString),
            "prev_hash": .string(event.prevHash.hexString), "redacted": .bool(event.isRedacted),
        ]
        if let payload = event.payload {
            o["payload"] = (try? JSONValue.parse(payload)) ?? .string(Base64.encode(payload))
        } else {
            o["payload"] = .null
        }
        return .object(o)
    }
}
