import Synchronization

/// Counts events per key (a client address) in a fixed window and says when a key is over its
/// limit. Memory is bounded: expired windows are dropped as new keys arrive.
final class RateLimiter: Sendable {
    private struct Window {
        var start: Int64
        var count: Int
    }

    private let limit: Int
    private let windowMilliseconds: Int64
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int, windowSeconds: Int64) {
        self.limit = limit
        self.windowMilliseconds = windowSeconds * 1000
    }

    /// Whether `key` has reached its limit at `now`, without counting anything.
    func isLimited(_ key: String, now: Int64) -> Bool {
        windows.withLock { windows in
            guard let window = windows[key], now - window.start < windowMilliseconds else { return false }
            return window.count >= limit
        }
    }

    /// Counts one event for `key`.
    /// - Returns: false when the key was already at its limit (the event is not counted).
    @discardableResult
    func record(_ key: String, now: Int64) -> Bool {
        windows.withLock { windows in
            if windows.count > 10_000 {
                windows = windows.filter { now - $0.value.start < windowMilliseconds }
            }
            var window = windows[key] ?? Window(start: now, count: 0)
            if now - window.start >= windowMilliseconds { window = Window(start: now, count: 0) }
            guard window.count < limit else { return false }
            window.count += 1
            windows[key] = window
            return true
        }
    }
}
