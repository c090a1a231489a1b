import CEventLoop
import Synchronization

/// The only way into the event loop from other threads: handler tasks post responses and
/// `HTTPServer` posts shutdown requests here, then wake the loop through its eventfd.
final class EventLoopMailbox: Sendable {
    struct Delivery {
        var completions: [(token: UInt64, response: HTTPResponse)] = []
        /// nil: keep running; false: stop now; true: drain, then stop.
        var shutdown: Bool?
    }

    private struct State {
        var delivery = Delivery()
        var closed = false
    }

    private let wakeFD: Int32
    private let state = Mutex(State())

    init(wakeFD: Int32) {
        self.wakeFD = wakeFD
    }

    func complete(token: UInt64, response: HTTPResponse) {
        state.withLock { state in
            guard !state.closed else { return }
            let wasEmpty = state.delivery.completions.isEmpty
            state.delivery.completions.append((token, response))
            // The loop drains the eventfd before taking the delivery, so a non-empty list means a
            // wake-up is already pending.
            if wasEmpty { _ = cel_eventfd_signal(wakeFD) }
        }
    }

    func requestShutdown(graceful: Bool) {
        state.withLock { state in
            guard !state.closed else { return }
            // A forced stop overrides a graceful one, never the other way round.
            state.delivery.shutdown = (state.delivery.shutdown ?? true) && graceful
            _ = cel_eventfd_signal(wakeFD)
        }
    }

    /// Called on the loop thread after draining the eventfd.
    func take() -> Delivery {
        state.withLock { state in
            let delivery = state.delivery
            state.delivery.completions = []
            state.delivery.shutdown = nil
            return delivery
        }
    }

    /// Closes the eventfd once the loop has stopped; later posts are dropped.
    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            _ = cel_close(wakeFD)
        }
    }
}
