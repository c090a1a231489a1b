import Foundation
import JSON
import Ledger
import Memory
import OAuth
import Server

/// `memledger audit`: who did what, from the ledger's envelopes (never payloads, so never content).
struct AuditCommand: CLICommand {
    static let help = """
        usage: memledger audit [--data DIR] [--agent ID] [--client ID] [--user ID] [--type TYPE[,TYPE…]]
                               [--memory ID] [--since TIME] [--until TIME] [--after POS] [--limit N]
                               [--summary] [--by client|agent] [--json]

        Lists ledger events in position order with their provenance: time, type, memory, user, agent,
        client (API key name or OAuth client), actor and transport. TYPE is a full type such as
        memory.added or auth.key_created, or a memory event's short name (added, updated, deleted,
        restored, redacted); an unknown type is a usage error that lists the known ones. TIME is
        RFC 3339; --since and --until are inclusive.
        A summary per client (or per agent) of adds, updates, deletes, restores and redactions follows
        the table.

          --summary   only the summary
          --by        what the summary counts per: client (the API key or OAuth client, the default)
                      or agent (the agent_id each change named, else the credential's name)
          --json      JSON lines: one event per line, or with --summary one client (agent) per line
        Exit: 0 done, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "agent", "client", "user", "type", "memory", "since", "until", "after", "limit", "by"]

    let context: OperatorContext
    let filter: EventFilter
    let after: Int64
    let limit: Int
    let summaryOnly: Bool
    let byAgent: Bool

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(Self.valued.union(["summary"]))
        context = OperatorContext(args)
        var filter = EventFilter(streamID: args["memory"], userID: args["user"], agentID: args["agent"], clientID: args["client"])
        if let types = args["type"] {
            filter.types = try types.split(separator: ",", omittingEmptySubsequences: false).map { name throws(UsageError) in
                guard let type = EventTypes.named(name) else { throw UsageError("--type: \(EventTypes.refusal(of: name))") }
                return type
            }
        }
        for (name, keyPath) in [("since", \EventFilter.since), ("until", \EventFilter.until)] {
            if let text = args[name] {
                guard let t = Timestamp(rfc3339: text) else { throw UsageError("--\(name) takes an RFC 3339 time (got '\(text)')") }
                filter[keyPath: keyPath] = t
            }
        }
        self.filter = filter
        guard let after = Int64(args["after"] ?? "0"), after >= 0 else { throw UsageError("--after takes a ledger position") }
        self.after = after
        guard let limit = Int(args["limit"] ?? "\(Int.max)"), limit > 0 else { throw UsageError("--limit takes a positive number") }
        self.limit = limit
        summaryOnly = args.has("summary")
        switch args["by"] ?? "client" {
        case "client": byAgent = false
        case "agent": byAgent = true
        case let other: throw UsageError("--by takes client or agent (got '\(other)')")
        }
    }

    /// Counts per client (or agent), in the order they first appear.
    struct Summary {
        let byAgent: Bool
        var order: [String] = []
        var counts: [String: [String: Int]] = [:]
        static let kinds = ["added", "updated", "deleted", "restored", "redacted", "other"]

        mutating func count(_ event: RecordedEvent) {
            let who = (byAgent ? event.provenance.agentID : event.provenance.clientID) ?? "-"
            if counts[who] == nil { order.append(who); counts[who] = [:] }
            let kind = event.type.hasPrefix("memory.") ? String(event.type.dropFirst(7)) : "other"
            counts[who]![Self.kinds.contains(kind) ? kind : "other", default: 0] += 1
        }
    }

    func run() throws -> ExitCode {
        guard context.data.exists else { throw CommandFailure.noData(context.data) }
        let ledger = try Ledger(path: context.data.database)
        defer { ledger.close() }
        var summary = Summary(byAgent: byAgent)
        var position = after
        var shown = 0
        let table = !context.json && !summaryOnly
        if table { print(Self.row(["POS", "TIME", "TYPE", "MEMORY", "USER", "AGENT", "CLIENT", "ACTOR", "TRANSPORT"])) }
        while shown < limit {
            let batch = try ledger.events(after: position, limit: min(5000, limit - shown), filter: filter)
            guard let last = batch.last else { break }
            for event in batch {
                summary.count(event)
                if summaryOnly { continue }
                if context.json {
                    context.emit(Self.json(event))
                } else {
                    let p = event.provenance
                    print(Self.row([
                        String(event.position), event.occurredAt.rfc3339, event.type, event.streamID, event.userID ?? "-",
                        p.agentID ?? "-", p.clientID ?? "-", p.actor ?? "-", p.transport.rawValue,
                    ]))
                }
            }
            shown += batch.count
            position = last.position
        }
        if context.json {
            if summaryOnly {
                for client in summary.order {
                    var o: JSONObject = [byAgent ? "agent_id" : "client_id": .string(client)]
                    for kind in Summary.kinds { o[kind] = .int(Int64(summary.counts[client]![kind, default: 0])) }
                    context.emit(.object(o))
                }
            }
        } else {
            if table { print("") }
            // The summary is printed whole at the end, so its client column fits the longest id (OAuth ids are UUIDs).
            let widths = [summary.order.map(\.count).max().map { max($0, 6) } ?? 6, 8, 8, 8, 9, 9, 6]
            print(Self.row([byAgent ? "AGENT" : "CLIENT"] + Summary.kinds.map { $0.uppercased() }, widths: widths))
            for client in summary.order {
                print(Self.row([client] + Summary.kinds.map { String(summary.counts[client]![$0, default: 0]) }, widths: widths))
            }
        }
        return .ok
    }

    static func json(_ e: RecordedEvent) -> JSONValue {
        let p = e.provenance
        return [
            "position": .int(e.position), "event_id": .string(e.eventID), "occurred_at": .string(e.occurredAt.rfc3339),
            "type": .string(e.type), "stream_id": .string(e.streamID), "stream_version": .int(e.streamVersion),
            "user_id": JSONValue(e.userID), "agent_id": JSONValue(p.agentID), "client_id": JSONValue(p.clientID),
            "actor": JSONValue(p.actor), "transport": .string(p.transport.rawValue), "request_id": JSONValue(p.requestID),
            "redacted": .bool(e.isRedacted),
        ]
    }

    static func row(_ cells: [String], widths: [Int] = [7, 24, 16, 36, 12, 14, 14, 20, 9]) -> String {
        return cells.enumerated().map { i, cell in
            i < widths.count && cell.count < widths[i] ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : cell
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
