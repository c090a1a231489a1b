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
        var sha = SHA256()
        sha.update(event.prevHash)
        for field in fields(of: event) {
            if let field {
                let bytes = Array(field.utf8)
                let n = UInt32(bytes.count)
                sha.update([UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
                sha.update(bytes)
            } else {
                sha.update([0xFF, 0xFF, 0xFF, 0xFF])
            }
        }
        sha.update(event.payloadDigest)
        return sha.finalize()
    }
}
