/// Errors of the memory domain, each with a stable code that fronts map to a status.
///
/// Descriptions never contain memory content.
public struct MemoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidArgument = "invalid_argument"
        case notFound = "not_found"
        case contentTooLarge = "content_too_large"
        case versionConflict = "version_conflict"
        case idempotencyKeyReused = "idempotency_key_reused"
        case conflict = "conflict"
        case embedderMismatch = "embedder_mismatch"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public static func invalid(_ detail: String) -> MemoryError { MemoryError(.invalidArgument, detail) }
    public static func notFound(_ id: String) -> MemoryError {
        MemoryError(.notFound, "no memory with id '\(id.prefix(80))'")
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
