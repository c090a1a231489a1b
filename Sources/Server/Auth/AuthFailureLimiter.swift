import Foundation
import Synchronization

/// Counts failed authentications per client address in fixed one-minute windows, so guessing
/// keys from one address is slowed to `limit` tries a minute (answered 429 beyond it).
public final class AuthFailureLimiter: Sendable {
    private struct Window {
        var start: Double
        var failures: Int
    }

    public let limit: Int
    public let window: Double
    private let clock: @Sendable () -> Double
    private let windows = Mutex([String: Window]())

    /// - Parameters:
    ///   - limit: failures allowed per address and window.
    ///   - window: the window length in seconds.
    ///   - clock: monotonic seconds; injectable for tests.
    public init(limit: Int, window: Double = 60, clock: @escaping @Sendable () -> Double = AuthFailureLimiter.monotonicSeconds) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Seconds until `address` may try again, or nil when it may try now.
    public func retryAfter(_ address: String) -> Int? {
        let now = clock()
        return windows.withLock { windows -> Int? in
            guard let w = windows[address] else { return nil }
            if now - w.start >= window { windows[address] = nil; return nil }
            return w.failures >= limit ? max(1, Int((window - (now - w.start)).rounded(.up))) : nil
        }
    }

    /// Records one failed attempt from `address`.
    public func recordFailure(_ address: String) {
        let now = clock()
        windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { now - $0.value.start < window } }
            if var w = windows[address], now - w.start < window {
                w.failures += 1
                windows[address] = w
            } else {
                windows[address] = Window(start: now, failures: 1)
            }
        }
    }
}
