import SQLite

extension Ledger {
    /// Calls `body` with every event after `position` in ledger order, all read from one snapshot, so an
    /// export taken beside a running writer is a consistent prefix of the chain.
    /// - Parameters:
    ///   - progress: called now and then with the number of events passed to `body`.
    /// - Returns: the head of that snapshot (the last event `body` saw, when it saw them all).
    @discardableResult
    public func forEachEvent(
        after position: Int64 = 0, progress: ((Int64) -> Void)? = nil, _ body: (RecordedEvent) throws -> Void
    ) throws -> LedgerHead {
        try read { db in
            let head = try Self.head(in: db)
            var after = position
            var seen: Int64 = 0
            while true {
                let batch = try Self.events(in: db, after: after, limit: 4096)
                guard let last = batch.last else { break }
                for event in batch { try body(event) }
                seen += Int64(batch.count)
                after = last.position
                progress?(seen)
            }
            return head
        }
    }
}
