import SQLite

/// An inline projection: applied to every appended event in the append's own transaction.
///
/// `apply` must be deterministic (event data only: no clock, no randomness) so that a rebuild from
/// position 0 yields exactly the live state.
public protocol Projector: Sendable {
    /// The checkpoint name under which the last applied position is recorded.
    var name: String { get }
    func apply(_ event: RecordedEvent, in db: Connection) throws
}
