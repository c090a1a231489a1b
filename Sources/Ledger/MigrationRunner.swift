import Crypto
import Schema
import SQLite

/// Applies numbered migrations in order, each in its own transaction, recording a checksum.
///
/// Several processes may open one database at once: each migration is checked and applied under the
/// write lock, so a migration runs exactly once.
enum MigrationRunner {
    static func checksum(_ migration: Migration) -> String { SHA256.hash(migration.sql).hexString }

    static func apply(_ migrations: [Migration], to db: Connection, clock: () -> Timestamp) throws {
        try db.retryingWhileBusy(for: 10) {
            try db.writeTransaction {
                try db.execute(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)
                    """)
            }
        }
        let known = Set(migrations.map(\.version))
        let newest = try db.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0
        if newest > 0, !known.contains(Int(newest)), newest > Int64(migrations.map(\.version).max() ?? 0) {
            throw LedgerError.schemaTooNew(version: Int(newest))
        }
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let sum = checksum(migration)
            try db.retryingWhileBusy(for: 10) { try db.writeTransaction {
                if let applied = try db.first(
                    "SELECT checksum FROM schema_migrations WHERE version = ?", [.int(migration.version)],
                    { $0.string(0) })
                {
                    guard applied == sum else {
                        throw LedgerError.migrationChanged(version: migration.version, name: migration.name)
                    }
                    return
                }
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    .int(migration.version), .text(migration.name), .text(sum), .text(clock().rfc3339))
            } }
        }
    }
}
