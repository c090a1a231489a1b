import Crypto
import Foundation
import JSON
import Ledger
import Memory
import SQLite

/// `memledger stats`: sizes and counts of a data directory at a glance.
struct StatsCommand: CLICommand {
    static let help = """
        usage: memledger stats [--data DIR] [--user USER] [--json]

        Shows the chain head, events by type, live memories per user, the first and last event times
        and the database size: memledger.sqlite and its -wal file, which holds recent writes until a
        checkpoint (while a server runs, most of the data can be there). --user limits the counts to
        one user.

          --json   one JSON object (database_bytes includes wal_bytes)
        Exit: 0 done, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "user"]

    let context: OperatorContext
    let user: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "user"])
        context = OperatorContext(args)
        user = args["user"]
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let userClause = user == nil ? "" : " WHERE user_id = ?"
        let userArgs: [SQLValue] = user.map { [.text($0)] } ?? []
        let (head, byType, byUser, span) = try service.ledger.read { db in
            (
                try Ledger.head(in: db),
                try db.query("SELECT type, count(*) FROM events\(userClause) GROUP BY type ORDER BY type", userArgs) { ($0.string(0), $0.int64(1)) },
                try db.query("SELECT user_id, count(*) FROM memories\(userClause) GROUP BY user_id ORDER BY user_id", userArgs) {
                    ($0.string(0), $0.int64(1))
                },
                try db.first("SELECT min(occurred_at), max(occurred_at) FROM events\(userClause)", userArgs) {
                    ($0.optionalString(0), $0.optionalString(1))
                } ?? (nil, nil)
            )
        }
        func bytes(_ path: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
        }
        let wal = bytes(context.data.writeAheadLog)
        let size = bytes(context.data.database) + wal
        let memories = byUser.reduce(0) { $0 + $1.1 }
        let events = byType.reduce(0) { $0 + $1.1 }
        if context.json {
            context.emit([
                "head": .string(head.description), "head_position": .int(head.position), "events": .int(events),
                "events_by_type": .object(JSONObject(byType.map { ($0.0, JSONValue.int($0.1)) })),
                "memories": .int(memories), "memories_by_user": .object(JSONObject(byUser.map { ($0.0, JSONValue.int($0.1)) })),
                "first_event_at": JSONValue(span.0), "last_event_at": JSONValue(span.1), "database_bytes": .int(size),
                "wal_bytes": .int(wal),
            ])
        } else {
            print("head: \(head.description)")
            print("events: \(events)\(user.map { " (user \($0))" } ?? "")  from \(span.0 ?? "-") to \(span.1 ?? "-")")
            for (type, n) in byType { print("  \(type.padding(toLength: 24, withPad: " ", startingAt: 0)) \(n)") }
            print("live memories: \(memories)")
            for (u, n) in byUser { print("  \(u.padding(toLength: 24, withPad: " ", startingAt: 0)) \(n)") }
            print("database: \(size) bytes including the -wal file (\(wal) bytes)")
        }
        return .ok
    }
}
