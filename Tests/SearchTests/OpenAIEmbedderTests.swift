import TestSupport
import Foundation
import Testing
import Search

@Suite struct OpenAIEmbedderTests {
    static let key = "sk-test-0123456789secret"

    func makeEmbedder(_ base: URL, retries: Int = 3, batchSize: Int = 64, maxBackoff: Duration = .milliseconds(200),
                      dimension: Int? = nil, key: String? = key) throws -> OpenAIEmbedder {
        try OpenAIEmbedder(configuration: .init(
            baseURL: base, model: "nomic-embed-text", apiKey: key, timeout: .seconds(5), maxRetries: retries,
            initialBackoff: .milliseconds(5), maxBackoff: maxBackoff, batchSize: batchSize, dimension: dimension))
    }

    @Test func retriesOverloadThenRecovers() async throws {
        let server = try FakeEmbeddingServer(failures: 2, dimension: 8)
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL)
        #expect(embedder.dimension == 0)
        let vectors = try await embedder.embed(["a", "bb", "ccc"])
        #expect(vectors.map { $0[0] } == [1, 2, 3]) // answered in reverse: placed by "index"
        #expect(vectors.map { $0[1] } == [0, 1, 2])
        #expect(embedder.dimension == 8)
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.path == "/v1/embeddings" && $0.authorization == "Bearer \(Self.key)" })
        #expect(requests.allSatisfy { $0.model == "nomic-embed-text" && $0.inputs == ["a", "bb", "ccc"] })
    }

    @Test func batchesLargeInputsInOrder() async throws {
        let server = try FakeEmbeddingServer(dimension: 4)
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL.appendingPathComponent("v1"), key: nil)
        let texts = (0 ..< 150).map { String(repeating: "x", count: $0 + 1) }
        let vectors = try await embedder.embed(texts)
        #expect(vectors.map { Int($0[0]) } == Array(1 ... 150))
        #expect(server.requests.map(\.inputs.count) == [64, 64, 22])
        #expect(server.requests.allSatisfy { $0.authorization == nil })
        #expect(try await embedder.embed([]).isEmpty)
        #expect(server.requests.count == 3)
    }

    @Test func givesUpAfterRetriesWithoutLeakingSecrets() async throws {
        let server = try FakeEmbeddingServer(failures: 1_000, failureStatus: 429)
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL, retries: 2)
        let error = await #expect(throws: EmbedderError.self) { try await embedder.embed(["my secret diagnosis"]) }
        #expect(error?.code == .unavailable)
        #expect(error?.isTransient == true)
        #expect(server.requests.count == 3)
        let text = "\(String(describing: error)) \(error?.localizedDescription ?? "")"
        #expect(!text.contains("secret") && !text.contains(Self.key))
    }

    @Test func longRetryAfterEndsRetriesAndIsReported() async throws {
        let server = try FakeEmbeddingServer(failures: 1_000, failureStatus: 503, retryAfter: 120)
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL, retries: 5)
        await #expect(throws: EmbedderError.unavailable(retryAfter: .seconds(120))) { try await embedder.embed(["a"]) }
        #expect(server.requests.count == 1)
    }

    @Test func wrongKeyIsNotRetried() async throws {
        let server = try FakeEmbeddingServer(requiredKey: "the-right-key")
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL)
        await #expect(throws: EmbedderError.unauthorized(status: 401)) { try await embedder.embed(["a"]) }
        #expect(server.requests.count == 1)
    }

    @Test func configuredDimensionIsEnforced() async throws {
        let server = try FakeEmbeddingServer(dimension: 8)
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL, dimension: 16)
        #expect(embedder.dimension == 16)
        await #expect(throws: EmbedderError.dimensionMismatch(expected: 16, actual: 8)) { try await embedder.embed(["a"]) }
    }

    @Test func unknownPathIsABadResponse() async throws {
        let server = try FakeEmbeddingServer()
        defer { server.stop() }
        let embedder = try makeEmbedder(server.baseURL.appendingPathComponent("prefix"))
        let error = await #expect(throws: EmbedderError.self) { try await embedder.embed(["a"]) }
        #expect(error?.code == .badResponse)
        #expect(server.requests.count == 1)
    }

    @Test func refusedConnectionIsUnavailable() async throws {
        let server = try FakeEmbeddingServer()
        let base = server.baseURL
        server.stop() // the port is now closed
        let embedder = try makeEmbedder(base, retries: 1)
        await #expect(throws: EmbedderError.unavailable()) { try await embedder.embed(["a"]) }
    }

    @Test func rejectsUnusableConfiguration() {
        #expect(throws: EmbedderError.self) {
            try OpenAIEmbedder(configuration: .init(baseURL: URL(string: "ftp://example.com")!, model: "m"))
        }
        #expect(throws: EmbedderError.self) {
            try OpenAIEmbedder(configuration: .init(baseURL: URL(string: "http://127.0.0.1")!, model: ""))
        }
        #expect(throws: EmbedderError.self) {
            try OpenAIEmbedder(configuration: .init(baseURL: URL(string: "http://127.0.0.1")!, model: "m", batchSize: 0))
        }
    }
}
