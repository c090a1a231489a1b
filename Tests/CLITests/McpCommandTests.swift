import Foundation
import Server
import Testing

/// `memledger mcp` takes the embedder settings under the names `serve` and `reindex` use.
@Suite struct McpCommandTests {
    static let embedderFlags = ServerConfiguration.embedderFlags.map { "--\($0)" }

    @Test func embedderFlagsReachTheEmbedder() throws {
        let dir = TempDirectory()
        // Standard input is empty, so the stdio loop ends at once; nothing calls the (unreachable) API.
        let run = try memledger(
            ["mcp", "--data", dir.path, "--embedder", "openai", "--embed-base-url", "http://127.0.0.1:9/v1",
             "--embed-model", "nomic-embed-text", "--embed-api-key", "not-a-real-key", "--agent", "t"],
            input: Data())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("embedder 'nomic-embed-text'"), "\(run.stderr)")
        #expect(!run.stderr.contains("not-a-real-key"))
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
