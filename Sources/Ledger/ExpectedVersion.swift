/// What the stream's version must be for an append to go ahead (optimistic concurrency).
public enum ExpectedVersion: Sendable, Hashable {
    /// Append whatever the stream's state.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last event must have exactly this version.
    case exact(Int64)
}
