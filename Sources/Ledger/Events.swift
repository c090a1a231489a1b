/// An event to append: its type, payload and the user whose data it is.
public struct NewEvent: Sendable {
    public var type: String
    public var schemaVersion: Int
    public var userID: String?
    /// The JSON bytes exactly as they will be stored and hashed.
    public var payload: [UInt8]

    public init(type: String, schemaVersion: Int = 1, userID: String?, payload: [UInt8]) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.userID = userID
        self.payload = payload
    }
}

/// An event as stored in the ledger, with its envelope and (unless redacted) its payload.
public struct RecordedEvent: Sendable, Hashable {
    public var position: Int64
    public var eventID: String
    public var streamID: String
    public var streamVersion: Int64
    public var type: String
    public var schemaVersion: Int
    public var occurredAt: Timestamp
    public var userID: String?
    public var provenance: Provenance
    public var idempotencyKey: String?
    public var payloadDigest: [UInt8]
    public var prevHash: [UInt8]
    public var hash: [UInt8]
    /// The salt mixed into `payloadDigest`; nil when the payload was redacted.
    public var salt: [UInt8]?
    /// The payload bytes; nil when they were redacted.
    public var payload: [UInt8]?

    public var isRedacted: Bool { payload == nil }
}
