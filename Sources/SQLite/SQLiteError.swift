import CSQLite

/// An error reported by SQLite.
///
/// The description names the result code, SQLite's message and the operation, never bound arguments:
/// statements are written with placeholders, so SQLite's messages cannot carry memory content or keys.
public struct SQLiteError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY_SNAPSHOT`, …).
    public let extendedCode: Int32
    /// SQLite's own message for the failure.
    public let message: String
    /// What was being done: "open", "prepare", "step", "exec", …
    public let operation: String

    public init(extendedCode: Int32, message: String, operation: String) {
        self.extendedCode = extendedCode
        self.message = message
        self.operation = operation
    }

    /// The primary result code (the low byte of the extended code).
    public var code: Int32 { extendedCode & 0xFF }
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }
    public var isUniqueConstraint: Bool {
        // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY are macros Swift cannot import.
        extendedCode == SQLITE_CONSTRAINT | (8 << 8) || extendedCode == SQLITE_CONSTRAINT | (6 << 8)
    }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        return "SQLite \(operation) failed (\(extendedCode), \(name)): \(message)"
    }
}
