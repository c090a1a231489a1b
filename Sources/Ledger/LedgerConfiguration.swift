import Schema

/// How a ledger is opened. Frozen once the ledger is open.
public struct LedgerConfiguration: Sendable {
    /// The wall clock; times along the ledger never decrease even when it steps back.
    public var clock: @Sendable () -> Timestamp = { Timestamp.now() }
    /// Inline projections, applied in order in every append's transaction.
    public var projectors: [any Projector] = []
    /// The schema migrations to apply on open.
    public var migrations: [Migration] = Migration.all
    /// Read-only connections kept for queries.
    public var readerCount = 4
    /// The most jobs one group commit holds.
    public var maxGroup = 256
    /// Acknowledge a write only once it is on disk (see `ConnectionOptions.durable`).
    public var durable = true

    public init() {}
}
