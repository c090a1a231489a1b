import Foundation

extension Duration {
    /// The duration in seconds, for arithmetic in `Double` and Foundation APIs taking a `TimeInterval`.
    var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
