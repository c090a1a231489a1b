import SQLite

/// The rows of one projected table in key order, read a chunk at a time, so comparing a live store
/// with a rebuild never holds a whole table (a million memories) in memory.
public struct ProjectedRows {
    /// A table the memory projector writes, its key (the first column) and the columns compared.
    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        public var key: String { columns[0] }
    }

    /// Every table a rebuild recreates, in the order a comparison reports them.
    public static let tables = [
        Table(name: "memories", columns: [
            "seq", "id", "user_id", "content", "metadata", "agent_id", "run_id", "created_at", "updated_at", "created_by_agent",
            "created_by_client", "updated_by_agent", "updated_by_client", "version", "fingerprint", "redacted", "last_position",
        ]),
        Table(name: "memories_fts", columns: ["rowid", "terms"]),
        Table(name: "memory_counts", columns: ["user_id", "live"]),
    ]

    public let table: Table
    private let db: Connection
    private let chunkSize: Int
    private var chunk: [[SQLValue]] = []
    private var index = 0
    private var after: SQLValue?
    private var exhausted = false

    public init(_ table: Table, in db: Connection, chunkSize: Int = 4_096) {
        self.table = table
        self.db = db
        self.chunkSize = chunkSize
    }

    /// The next row (its values in `table.columns` order), or nil after the last.
    public mutating func next() throws -> [SQLValue]? {
        if index == chunk.count {
            guard !exhausted else { return nil }
            let columns = table.columns.joined(separator: ", ")
            let from = after == nil ? "" : " WHERE \(table.key) > ?"
            let count = table.columns.count
            chunk = try db.query(
                "SELECT \(columns) FROM \(table.name)\(from) ORDER BY \(table.key) LIMIT \(chunkSize)", after.map { [$0] } ?? []
            ) { row in (0..<count).map { row.value($0) } }
            index = 0
            exhausted = chunk.count < chunkSize
            guard let last = chunk.last else { return nil }
            after = last[0]
        }
        defer { index += 1 }
        return chunk[index]
    }
}
