import Foundation
import JSON
import Synchronization
import Testing
@testable import MCP
#if canImport(Glibc)
import Glibc
#endif

/// Runs the stdio loop over two real pipes: writes `lines` (in two uneven pieces, so a message
/// straddles reads), closes the input and returns everything the server wrote and logged.
func runStdio(_ lines: [String]) async -> (output: [UInt8], logs: [String]) {
    var toServer: [Int32] = [0, 0]
    var fromServer: [Int32] = [0, 0]
    #expect(pipe(&toServer) == 0)
    #expect(pipe(&fromServer) == 0)
    let logs = Mutex<[String]>([])
    let stdio = MCPStdio(
        server: makeServer(),
        baseContext: MCPCallContext(principal: TestPrincipal(keyName: "local"), scopes: ["read"], agentName: "cli", transport: "ignored"),
        input: toServer[0], output: fromServer[1],
        log: { line in logs.withLock { $0.append(line) } })

    let input = Array((lines.joined(separator: "\n") + "\n").utf8)
    let split = min(50, input.count)
    #expect(MCPStdio.writeAll(toServer[1], Array(input[..<split])))
    let running = Task { await stdio.run() }
    #expect(MCPStdio.writeAll(toServer[1], Array(input[split...])))
    close(toServer[1])
    await running.value
    close(fromServer[1])

    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fromServer[0], $0.baseAddress, $0.count) }
        if count <= 0 { break }
        output += buffer[..<count]
    }
    close(fromServer[0])
    close(toServer[0])
    return (output, logs.withLock { $0 })
}

@Test func stdioLoopOverPipes() async throws {
    let lines = [
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
        #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        "",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"我对坚果过敏 🥜 Zoë\"}}}\r",
        "{not json",
        #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"store","arguments":{"fact":"x"}}}"#,
        #"[{"jsonrpc":"2.0","id":4,"method":"ping"}]"#,
        #"{"jsonrpc":"2.0","id":5,"method":"ping"}"#,
    ]
    let (output, logged) = await runStdio(lines)

    let answers = try output.split(separator: UInt8(ascii: "\n")).map { try JSONValue.parse($0) }
    try #require(answers.count == 6)
    #expect(answers[0]["result"]?["protocolVersion"] == "2025-06-18")
    let echo = try #require(answers[1]["result"])
    #expect(echo["structuredContent"]?["echo"] == "我对坚果过敏 🥜 Zoë", "2025-06-18 was negotiated, so structuredContent is sent")
    #expect(echo["structuredContent"]?["transport"] == "stdio")
    #expect(echo["structuredContent"]?["principal"] == "local")
    #expect(answers[2]["error"]?["code"] == -32700)
    #expect(answers[2]["id"] == .null)
    #expect(answers[3]["id"] == 3)
    #expect(answers[3]["result"]?["isError"] == true, "a missing scope is a tool error on stdio")
    #expect(answers[4]["error"]?["code"] == -32600, "no batches after negotiating 2025-06-18")
    #expect(answers[5] == ["jsonrpc": "2.0", "id": 5, "result": [:]])
    #expect(String(decoding: output, as: UTF8.self).contains("我对坚果过敏 🥜 Zoë"))
    #expect(logged.count == 1)
    #expect(logged.allSatisfy { !$0.contains("not json") })
}

/// A client asking for a revision this server does not speak (2024-11-05) is offered the latest,
/// which then governs the rest of the stream (lifecycle, "Version Negotiation").
@Test func stdioOffersTheLatestRevisionForAnUnsupportedOne() async throws {
    let (output, _) = await runStdio([
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"old","version":"1"}}}"#,
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"v"}}}"#,
    ])
    let answers = try output.split(separator: UInt8(ascii: "\n")).map { try JSONValue.parse($0) }
    try #require(answers.count == 2)
    #expect(answers[0]["result"]?["protocolVersion"] == "2025-11-25")
    #expect(answers[1]["result"]?["structuredContent"]?["version"] == "2025-11-25")
}

@Test func readLinesSplitsAndDiscardsOverlongLines() throws {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let limit = 100_000
    let long = [UInt8](repeating: UInt8(ascii: "x"), count: limit + 10)
    let fits = [UInt8](repeating: UInt8(ascii: "y"), count: limit)
    let writeEnd = fds[1]
    let writer = Thread {
        _ = MCPStdio.writeAll(writeEnd, Array("a\r\n\n".utf8) + long + Array("\n".utf8) + fits + Array("\n".utf8) + long + Array("x\nb".utf8))
        close(writeEnd)
    }
    writer.start()
    var seen: [String] = []
    MCPStdio.readLines(from: fds[0], maxLineLength: limit, log: { _ in }) { line in
        switch line {
        case .message(let bytes): seen.append(bytes.count > 8 ? "<\(bytes.count) bytes>" : String(decoding: bytes, as: UTF8.self))
        case .tooLong: seen.append("<too long>")
        }
    }
    close(fds[0])
    #expect(seen == ["a", "<too long>", "<\(limit) bytes>", "<too long>", "b"])
}
