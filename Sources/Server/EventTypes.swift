import Memory
import OAuth

/// Every event type memledger appends: the memory domain's, the API keys' and OAuth's. The event
/// filters of `GET /api/v1/events` and `memledger audit` accept these and refuse any other name.
public enum EventTypes {
    public static let known = MemoryService.eventTypes + APIKeyStore.eventTypes + OAuthAdministration.eventTypes

    /// The full type a filter names: `memory.` is implied when the name has no dot (`added`).
    /// - Returns: nil for a name that is not a known type.
    public static func named(_ name: some StringProtocol) -> String? {
        let type = name.contains(".") ? String(name) : "memory.\(name)"
        return known.contains(type) ? type : nil
    }
}
