import Foundation
import JSON
import Ledger
import Memory

/// A memory service on a fresh database, removed when released.
final class Store: @unchecked Sendable {
    let dir: String
    let service: MemoryService
    var database: String { dir + "/memledger.sqlite" }

    init(
        contentLimit: Int = 32 * 1024, durable: Bool = true, compactVectorIndexFrom: Int = 20_000,
        clock: (@Sendable () -> Timestamp)? = nil
    ) throws {
        dir = NSTemporaryDirectory() + "memledger-memory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var config = MemoryConfiguration()
        config.contentLimitBytes = contentLimit
        config.ledger.durable = durable
        config.compactVectorIndexFrom = compactVectorIndexFrom
        if let clock { config.ledger.clock = clock }
        service = try MemoryService(path: dir + "/memledger.sqlite", configuration: config)
    }

    deinit {
        service.close()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

func caller(_ agent: String = "claude", user: String = "alice", client: String = "key-1", key: String? = nil) -> Caller {
    Caller(userID: user, provenance: Provenance(agentID: agent, clientID: client, transport: .rest), idempotencyKey: key)
}

extension MemoryService {
    /// Adds one content and returns its memory.
    @discardableResult
    func add(_ content: String, by who: Caller = caller(), metadata: JSONObject = [:], runID: String? = nil) async throws -> Memory {
        try await add(AddRequest(content: content, runID: runID, metadata: metadata), caller: who).entries[0].memory
    }
}

func bytes(of path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }
