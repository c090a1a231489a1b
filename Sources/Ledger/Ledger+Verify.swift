import Crypto
import SQLite

/// What `verify` found.
public struct VerifyReport: Sendable, Hashable {
    public var eventsChecked: Int64 = 0
    public var head = LedgerHead(position: 0, hash: EventHasher.zeroHash)
    /// The first position whose hash, previous hash or position does not follow from the chain.
    public var firstBrokenPosition: Int64?
    /// What is wrong there, for a person.
    public var brokenReason: String?
    /// Positions whose stored payload does not match its digest.
    public var payloadMismatches: [Int64] = []
    /// Positions whose payload is gone without a redaction of its stream.
    public var missingPayloads: [Int64] = []
    /// Positions whose payload was erased by a redaction.
    public var redactedPayloads: Int64 = 0

    public var isValid: Bool { firstBrokenPosition == nil && payloadMismatches.isEmpty && missingPayloads.isEmpty }
}

extension Ledger {
    /// Recomputes the hash chain and every payload digest from the first event.
    /// - Parameters:
    ///   - isRedaction: the event types that erase their stream's payloads.
    ///   - progress: called now and then with the number of events checked.
    public func verify(
        isRedaction: (String) -> Bool = { $0.hasSuffix(".redacted") }, progress: ((Int64) -> Void)? = nil
    ) throws -> VerifyReport {
        try read { db in try Self.verify(in: db, isRedaction: isRedaction, progress: progress) }
    }

    static func verify(in db: Connection, isRedaction: (String) -> Bool, progress: ((Int64) -> Void)?) throws -> VerifyReport {
        var report = VerifyReport()
        let redactedStreams = Set(
            try db.query("SELECT DISTINCT stream_id, type FROM events WHERE type LIKE '%.redacted'") { ($0.string(0), $0.string(1)) }
                .filter { isRedaction($0.1) }.map(\.0))
        var prevHash = EventHasher.zeroHash
        var expectedPosition: Int64 = 1
        var after: Int64 = 0
        while true {
            let batch = try events(in: db, after: after, limit: 4096)
            guard !batch.isEmpty else { break }
            for event in batch {
                report.eventsChecked += 1
                if report.firstBrokenPosition == nil {
                    if event.position != expectedPosition {
                        report.firstBrokenPosition = expectedPosition
                        report.brokenReason = "position \(expectedPosition) is missing (next is \(event.position))"
                    } else if event.prevHash != prevHash {
                        report.firstBrokenPosition = event.position
                        report.brokenReason = "previous hash does not match the hash of position \(event.position - 1)"
                    } else if EventHasher.hash(of: event) != event.hash {
                        report.firstBrokenPosition = event.position
                        report.brokenReason = "hash does not match the event's envelope and payload digest"
                    }
                }
                if let payload = event.payload, let salt = event.salt {
                    if EventHasher.payloadDigest(salt: salt, payload: payload) != event.payloadDigest {
                        report.payloadMismatches.append(event.position)
                    }
                } else if redactedStreams.contains(event.streamID) {
                    report.redactedPayloads += 1
                } else if !isRedaction(event.type) || event.payload == nil {
                    report.missingPayloads.append(event.position)
                }
                prevHash = event.hash
                expectedPosition = event.position + 1
                report.head = LedgerHead(position: event.position, hash: event.hash)
            }
            after = batch.last!.position
            progress?(report.eventsChecked)
        }
        return report
    }
}
