import Crypto

/// The hash chain's encoding (DESIGN.md §6 "Hash input").
///
/// `hash = SHA-256(prev_hash ‖ fields ‖ payload_digest)`: the previous hash (32 bytes), then every
/// envelope field from `position` to `idempotency_key` in the order of DESIGN.md §2, each as its UTF-8
/// bytes prefixed by a 4-byte big-endian length (integers as decimal text; null as length 0xFFFFFFFF),
/// then the 32-byte payload digest.
public enum EventHasher {
    public static let zeroHash = [UInt8](repeating: 0, count: 32)

    /// `SHA-256(salt ‖ payload)`.
    public static func payloadDigest(salt: [UInt8], payload: [UInt8]) -> [UInt8] {
        var sha = SHA256()
        sha.update(salt)
        sha.update(payload)
        return sha.finalize()
    }

    /// The envelope fields in hash order.
    static func fields(of e: RecordedEvent) -> [String?] {
        [
            String(e.position), e.eventID, e.streamID, String(e.streamVersion), e.type, String(e.schemaVersion),
            e.occurredAt.rfc3339, e.userID, e.provenance.agentID, e.provenance.clientID, e.provenance.actor,
            e.provenance.transport.rawValue, e.provenance.requestID, e.provenance.correlationID,
            e.provenance.causationID, e.idempotencyKey,
        ]
    }

    /// The chained hash of `event` (its `prevHash` and `payloadDigest` must be set).
    public static func hash(of event: RecordedEvent) -> [UInt8] {
        SHA256.hash(hashInput(of: event))
    }

    /// The bytes `hash(of:)` digests, laid out in one buffer (one SHA-256 pass, no per-field calls).
    static func hashInput(of event: RecordedEvent) -> [UInt8] {
        let fields = fields(of: event)
        var input: [UInt8] = []
        input.reserveCapacity(64 + fields.reduce(0) { $0 + 4 + ($1?.utf8.count ?? 0) })
        input += event.prevHash
        for field in fields {
            guard let field else {
                input += [0xFF, 0xFF, 0xFF, 0xFF]
                continue
            }
            let n = UInt32(field.utf8.count)
            input += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            input += field.utf8
        }
        input += event.payloadDigest
        return input
    }
}
