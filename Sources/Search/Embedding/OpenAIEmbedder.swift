import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A client for the OpenAI-compatible `POST {base}/v1/embeddings` endpoint.
///
/// The same wire format is served by OpenAI, Ollama, llama.cpp's server, vLLM and Hugging Face
/// TEI: the request is `{"model": …, "input": [texts]}` and the answer
/// `{"data": [{"index": i, "embedding": [floats]}]}`. Inputs are sent in batches of
/// `batchSize`, one batch at a time so a local server is not flooded. Overload and outages
/// (HTTP 429, any 5xx, connection errors and timeouts) are retried with exponential backoff,
/// honouring `Retry-After`; then `EmbedderError.unavailable` is thrown, which the memory domain
/// treats as "fill the vector in later". The dimension is learned from the first answer unless
/// configured, and every later vector must match it.
public final class OpenAIEmbedder: Embedder {
    /// How to reach the server and how patient to be with it.
    public struct Configuration: Sendable {
        /// The server's base URL, with or without a trailing `/v1` (`http://127.0.0.1:11434`).
        public var baseURL: URL
        public var model: String
        /// Sent as `Authorization: Bearer <key>` when present and non-empty.
        public var apiKey: String?
        /// Limit for one HTTP request.
        public var timeout: Duration
        /// Retries after the first attempt of each batch.
        public var maxRetries: Int
        /// Delay before the first retry; doubled for each further one, up to `maxBackoff`.
        public var initialBackoff: Duration
        /// The longest wait between attempts; a longer `Retry-After` ends the retries at once.
        public var maxBackoff: Duration
        /// Inputs per request.
        public var batchSize: Int
        /// The dimension vectors must have, when known in advance (for example, from the stored index).
        public var dimension: Int?

        public init(
            baseURL: URL, model: String, apiKey: String? = nil, timeout: Duration = .seconds(30),
            maxRetries: Int = 4, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(8),
            batchSize: Int = 64, dimension: Int? = nil
        ) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.timeout = timeout
            self.maxRetries = maxRetries
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.batchSize = batchSize
            self.dimension = dimension
        }
    }

    public let model: String
    /// The configured dimension, else the one learned from the first answer, else 0.
    public var dimension: Int { knownDimension.withLock { $0 } }

    private let configuration: Configuration
    private let endpoint: URL
    private let session: URLSession
    private let knownDimension: Mutex<Int>

    /// - Throws: `EmbedderError.invalidConfiguration` for a base URL that is not http(s), an
    ///   empty model name or a batch size below 1.
    public init(configuration: Configuration) throws(EmbedderError) {
        guard let scheme = configuration.baseURL.scheme?.lowercased(), scheme == "http" || scheme == "https",
              configuration.baseURL.host != nil
        else { throw .invalidConfiguration("the base URL must be an http or https URL") }
        guard !configuration.model.isEmpty else { throw .invalidConfiguration("the model name is empty") }
        guard configuration.batchSize >= 1 else { throw .invalidConfiguration("the batch size must be at least 1") }
        guard configuration.dimension.map({ $0 > 0 }) ?? true else {
            throw .invalidConfiguration("the dimension must be positive")
        }

        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        guard let endpoint = URL(string: base + "/v1/embeddings") else {
            throw .invalidConfiguration("the base URL cannot be extended with /v1/embeddings")
        }

        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout.seconds
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout.seconds
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData

        self.configuration = configuration
        self.model = configuration.model
        self.endpoint = endpoint
        self.session = URLSession(configuration: sessionConfiguration)
        self.knownDimension = Mutex(configuration.dimension ?? 0)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start ..< min(start + configuration.batchSize, texts.count)])
            vectors += try await embedBatch(batch)
            start += batch.count
        }
        return vectors
    }

    // MARK: - One batch, with retries

    private func embedBatch(_ texts: [String]) async throws -> [[Float]] {
        let request = try makeRequest(texts)
        var retryAfter: Duration?
        for attempt in 0 ... max(0, configuration.maxRetries) {
            if attempt > 0 {
                var delay = configuration.initialBackoff * (1 << min(attempt - 1, 20))
                if delay > configuration.maxBackoff { delay = configuration.maxBackoff }
                if let retryAfter {
                    // A server asking for more patience than we have: give up now and pass its hint on.
                    if retryAfter > configuration.maxBackoff { break }
                    delay = max(delay, retryAfter)
                }
                try await Task.sleep(for: delay)
            }
            switch try await send(request) {
            case .success(let data):
                return try decode(data, expectedCount: texts.count)
            case .transient(let hint):
                retryAfter = hint
            case .failed(let error):
                throw error
            }
        }
        throw EmbedderError.unavailable(retryAfter: retryAfter)
    }

    private enum Outcome {
        case success(Data)
        case transient(retryAfter: Duration?)
        case failed(EmbedderError)
    }

    private func send(_ request: URLRequest) async throws -> Outcome {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError where error.code == .cancelled {
            throw CancellationError()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Connection refused or reset, DNS failure, timeout: the server may come back.
            try Task.checkCancellation()
            return .transient(retryAfter: nil)
        }
        guard let http = response as? HTTPURLResponse else { return .failed(.badResponse("not an HTTP response")) }
        switch http.statusCode {
        case 200 ..< 300:
            return .success(data)
        case 401, 403:
            return .failed(.unauthorized(status: http.statusCode))
        case 408, 429, 500 ..< 600:
            return .transient(retryAfter: Self.retryAfter(http.value(forHTTPHeaderField: "Retry-After")))
        default:
            // 400 (input too long), 404 (unknown model) and the like will not change on retry.
            return .failed(.badResponse("HTTP status \(http.statusCode)"))
        }
    }

    // MARK: - Wire format

    private struct RequestBody: Encodable {
        let model: String
        let input: [String]
    }

    private struct ResponseBody: Decodable {
        struct Item: Decodable {
            let index: Int?
            let embedding: [Float]
        }
        let data: [Item]
    }

    private func makeRequest(_ texts: [String]) throws(EmbedderError) -> URLRequest {
        var request = URLRequest(url: endpoint, timeoutInterval: configuration.timeout.seconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key = configuration.apiKey, !key.isEmpty {
            request.setValue("Bearer " + key, forHTTPHeaderField: "Authorization")
        }
        do {
            request.httpBody = try JSONEncoder().encode(RequestBody(model: model, input: texts))
        } catch {
            throw .badResponse("the request could not be encoded")
        }
        return request
    }

    private func decode(_ data: Data, expectedCount: Int) throws(EmbedderError) -> [[Float]] {
        let body: ResponseBody
        do {
            body = try JSONDecoder().decode(ResponseBody.self, from: data)
        } catch {
            throw .badResponse("the body is not an embeddings response")
        }
        guard body.data.count == expectedCount else {
            throw .badResponse("expected \(expectedCount) embeddings, got \(body.data.count)")
        }
        var ordered = [[Float]?](repeating: nil, count: expectedCount)
        for (position, item) in body.data.enumerated() {
            let index = item.index ?? position
            guard ordered.indices.contains(index), ordered[index] == nil else {
                throw .badResponse("embedding indices are not a permutation of the inputs")
            }
            ordered[index] = item.embedding
        }
        let vectors = ordered.map { $0! }
        let expected = try settleDimension(vectors[0].count)
        for vector in vectors where vector.count != expected {
            throw .dimensionMismatch(expected: expected, actual: vector.count)
        }
        return vectors
    }

    /// The dimension vectors must have: the known one, or `observed` when this is the first answer.
    private func settleDimension(_ observed: Int) throws(EmbedderError) -> Int {
        guard observed > 0 else { throw .badResponse("an embedding is empty") }
        let known = knownDimension.withLock { known in
            if known == 0 { known = observed }
            return known
        }
        guard known == observed else { throw .dimensionMismatch(expected: known, actual: observed) }
        return known
    }

    /// Parses `Retry-After` given in seconds; the HTTP-date form is ignored.
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
