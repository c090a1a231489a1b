import Foundation
import Server
import SQLite
import TestSupport
import Testing

/// `memledger mcp` takes the embedder settings under the names `serve` and `reindex` use.
@Suite struct McpCommandTests {
    static let embedderFlags = ServerConfiguration.embedderFlags.map { "--\($0)" }

    /// The embedder flags are spelled as `serve` spells them, and they take effect: the memory
    /// added over stdio is embedded by the configured OpenAI-compatible server and model.
    @Test func theEmbedderFlagsOfServeChooseTheEmbedder() throws {
        let embedder = try FakeEmbeddingServer()
        defer { embedder.stop() }
        let dir = TempDirectory()
        let messages = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_memory","arguments":{"content":"prefers tabs over spaces"}}}"#,
        ]
        let run = try memledger(
            ["mcp", "--data", dir.path, "--embedder", "openai", "--embed-base-url", embedder.baseURL.absoluteString + "/v1",
             "--embed-model", "fake-embed-small", "--embed-api-key", "sk-test"],
            input: Data((messages.joined(separator: "\n") + "\n").utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let answer = try #require(run.lines.first { $0["id"] as? Int == 2 })
        #expect((answer["result"] as? [String: Any])?["isError"] as? Bool != true, "\(answer)")
        #expect(embedder.requests.contains { $0.model == "fake-embed-small" && $0.authorization == "Bearer sk-test" && $0.inputs == ["prefers tabs over spaces"] })
        let models = try Connection(path: dir.database).query("SELECT DISTINCT model FROM memory_vectors") { $0.string(0) }
        #expect(models.count == 1 && models[0].contains("fake-embed-small"), "\(models)")
    }

    @Test func aFirstStartSaysItCreatedTheStoreAndALaterOneDoesNot() throws {
        let dir = TempDirectory()
        let first = try memledger(["mcp", "--data", dir.path + "/fresh", "--agent", "t"], input: Data())
        #expect(first.status == 0 && first.stderr.contains("created a new, empty one"), "\(first.stderr)")
        let again = try memledger(["mcp", "--data", dir.path + "/fresh", "--agent", "t"], input: Data())
        #expect(again.status == 0 && !again.stderr.contains("created"), "\(again.stderr)")
    }

    @Test func theMinilmEmbedderNeedsAModelDirectory() throws {
        let dir = TempDirectory()
        let run = try memledger(["mcp", "--data", dir.path, "--embedder", "minilm"], input: Data())
        #expect(run.status == 64 && run.stderr.contains("--model-dir"), "\(run.stderr)")
    }

    @Test(arguments: ["--embedder-url", "--embedder-model"])
    func namesServeDoesNotTakeAreRefused(_ flag: String) throws {
        let dir = TempDirectory()
        let run = try memledger(["mcp", "--data", dir.path, flag, "x"], input: Data())
        #expect(run.status == 64 && run.stderr.contains("unknown option \(flag)"), "\(run.stderr)")
    }

    @Test(arguments: ["serve", "mcp", "reindex"])
    func helpNamesEveryEmbedderFlag(_ command: String) throws {
        let help = try memledger([command, "--help"])
        #expect(help.status == 0)
        for flag in Self.embedderFlags { #expect(help.stdout.contains(flag), "\(command) --help lacks \(flag)") }
        #expect(!help.stdout.contains("--embedder-"), "\(command) --help names a flag nothing reads")
    }
}
