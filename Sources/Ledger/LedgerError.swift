/// Errors of the ledger, with a stable identity callers can match on.
///
/// Descriptions never carry payloads or other user content.
public struct LedgerError: Error, Equatable, CustomStringConvertible, Sendable {
    enum Kind: Equatable, Sendable {
        case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64?)
        case idempotencyKeyReused(key: String)
        case migrationChanged(version: Int, name: String)
        case schemaTooNew(version: Int)
        case closed
        case corrupt(String)
    }

    let kind: Kind

    public static func wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64?) -> LedgerError {
        LedgerError(kind: .wrongExpectedVersion(stream: stream, expected: expected, actual: actual))
    }
    public static func idempotencyKeyReused(key: String) -> LedgerError {
        LedgerError(kind: .idempotencyKeyReused(key: key))
    }
    public static func migrationChanged(version: Int, name: String) -> LedgerError {
        LedgerError(kind: .migrationChanged(version: version, name: name))
    }
    public static func schemaTooNew(version: Int) -> LedgerError { LedgerError(kind: .schemaTooNew(version: version)) }
    public static let closed = LedgerError(kind: .closed)
    public static func corrupt(_ detail: String) -> LedgerError { LedgerError(kind: .corrupt(detail)) }

    public var isWrongExpectedVersion: Bool {
        if case .wrongExpectedVersion = kind { return true }
        return false
    }
    public var isIdempotencyKeyReused: Bool {
        if case .idempotencyKeyReused = kind { return true }
        return false
    }
    /// The stream's actual version when an expected version did not hold.
    public var actualVersion: Int64? {
        if case .wrongExpectedVersion(_, _, let actual) = kind { return actual }
        return nil
    }

    public var description: String {
        switch kind {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            let want: String
            switch expected {
            case .any: want = "any"
            case .noStream: want = "no stream"
            case .exact(let n): want = "version \(n)"
            }
            return "stream \(stream) is at \(actual.map { "version \($0)" } ?? "no version"), expected \(want)"
        case .idempotencyKeyReused(let key):
            return "idempotency key '\(key)' was already used for a different request"
        case .migrationChanged(let version, let name):
            return "migration \(name) (version \(version)) differs from the one applied to this database; "
                + "migrations are never edited once released: restore the original file or use a matching memledger binary"
        case .schemaTooNew(let version):
            return "this database has schema version \(version), newer than this memledger binary knows; upgrade memledger"
        case .closed:
            return "the ledger is closed"
        case .corrupt(let detail):
            return "the ledger is inconsistent: \(detail)"
        }
    }
}
