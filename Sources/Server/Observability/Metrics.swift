import Synchronization

/// Request counters and latency histograms, rendered as Prometheus text (exposition format 0.0.4).
///
/// Labels are route patterns, never raw paths, so the series stay few whatever clients send.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var total = 0
    }

    private struct State {
        var requests: [Key: Int] = [:]
        var latency: [String: Histogram] = [:]
        var authFailures = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func record(route: String, method: String, status: Int, seconds: Double) {
        // Any token is a method on the wire; the label keeps to the standard ones so a client cannot add series.
        let method = Self.methods.contains(method) ? method : "other"
        state.withLock { s in
            s.requests[Key(route: route, method: method, status: status), default: 0] += 1
            var h = s.latency[route] ?? Histogram()
            if let i = Metrics.buckets.firstIndex(where: { seconds <= $0 }) { h.counts[i] += 1 }
            h.sum += seconds
            h.total += 1
            s.latency[route] = h
        }
    }

    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "-"]

    public func recordAuthFailure() { state.withLock { $0.authFailures += 1 } }

    /// The Prometheus text, with the gauges and counters the caller read from the memory service.
    public func render(ledgerPosition: Int64?, liveMemories: Int64?, embedderErrors: Int) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP memledger_http_requests_total HTTP requests by route, method and status.\n"
        out += "# TYPE memledger_http_requests_total counter\n"
        for (key, count) in s.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "memledger_http_requests_total{route=\"\(Self.escape(key.route))\",method=\"\(key.method)\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP memledger_http_request_duration_seconds Time to answer a request, by route.\n"
        out += "# TYPE memledger_http_request_duration_seconds histogram\n"
        for (route, h) in s.latency.sorted(by: { $0.key < $1.key }) {
            let label = Self.escape(route)
            var cumulative = 0
            for (i, bound) in Metrics.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "memledger_http_request_duration_seconds_bucket{route=\"\(label)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "memledger_http_request_duration_seconds_bucket{route=\"\(label)\",le=\"+Inf\"} \(h.total)\n"
            out += "memledger_http_request_duration_seconds_sum{route=\"\(label)\"} \(h.sum)\n"
            out += "memledger_http_request_duration_seconds_count{route=\"\(label)\"} \(h.total)\n"
        }
        out += "# HELP memledger_ledger_position The position of the last event in the ledger.\n"
        out += "# TYPE memledger_ledger_position gauge\n"
        out += "memledger_ledger_position \(ledgerPosition.map(String.init) ?? "NaN")\n"
        out += "# HELP memledger_memories_live Memories that are neither deleted nor redacted.\n"
        out += "# TYPE memledger_memories_live gauge\n"
        out += "memledger_memories_live \(liveMemories.map(String.init) ?? "NaN")\n"
        out += "# HELP memledger_embedder_errors_total Failed embedder calls.\n"
        out += "# TYPE memledger_embedder_errors_total counter\n"
        out += "memledger_embedder_errors_total \(embedderErrors)\n"
        out += "# HELP memledger_auth_failures_total Requests refused for a missing or invalid credential.\n"
        out += "# TYPE memledger_auth_failures_total counter\n"
        out += "memledger_auth_failures_total \(s.authFailures)\n"
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
