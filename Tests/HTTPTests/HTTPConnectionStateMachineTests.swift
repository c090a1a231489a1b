import Testing

@testable import HTTP

/// Keep-alive, pipelining, 100-continue and timeouts of one connection, on a fake clock.
@Suite struct HTTPConnectionStateMachineTests {
    @Test func keepAliveServesSeveralRequests() {
        var connection = ConnectionHarness()
        for index in 0..<3 {
            connection.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connection.dispatched.last?.path == "/\(index)")
            connection.respond(.text("r\(index)"))
        }
        #expect(connection.statuses == [200, 200, 200])
        #expect(!connection.output.contains("Connection: close"))
        #expect(connection.output.hasSuffix("Content-Length: 2\r\n\r\nr2"))
        #expect(!connection.closed && !connection.halfClosed)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() {
        var connection = ConnectionHarness()
        connection.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.dispatched.map(\.path) == ["/a"], "the next request waits for the previous response")
        connection.respond(.text("A"))
        #expect(connection.dispatched.map(\.path) == ["/a", "/b"])
        #expect(connection.dispatched.last?.body == Array("xyz".utf8))
        connection.respond(.text("B"))
        connection.respond(.text("C"))
        #expect(connection.dispatched.map(\.path) == ["/a", "/b", "/c"])
        let bodies = connection.output.split(separator: "\r\n\r\n").dropFirst().map { $0.prefix(1) }
        #expect(bodies == ["A", "B", "C"])
    }

    @Test func connectionCloseClosesAfterTheResponse() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        connection.respond(.text("bye"))
        #expect(connection.output.contains("Connection: close\r\n"))
        #expect(connection.halfClosed)
        connection.peerCloses()
        #expect(connection.closed)
    }

    @Test func responseAskingForCloseClosesTheConnection() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.respond(.text("bye", headers: ["Connection": "close"]))
        #expect(connection.output.contains("Connection: close\r\n"))
        #expect(connection.halfClosed)
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() {
        var plain = ConnectionHarness()
        plain.send("GET / HTTP/1.0\r\n\r\n")
        plain.respond(.text("x"))
        #expect(plain.output.contains("Connection: close"))
        #expect(plain.halfClosed)

        var keepAlive = ConnectionHarness()
        keepAlive.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        keepAlive.respond(.text("x"))
        #expect(keepAlive.output.contains("Connection: keep-alive\r\n"))
        #expect(!keepAlive.halfClosed)
    }

    @Test func headGetsHeadersWithoutBody() {
        var connection = ConnectionHarness()
        connection.send("HEAD /doc HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.respond(.text("twelve bytes"))
        #expect(connection.output.contains("Content-Length: 12\r\n"))
        #expect(connection.output.hasSuffix("\r\n\r\n"))
    }

    @Test func noContentHasNoLengthOrBody() {
        var connection = ConnectionHarness()
        connection.send("DELETE /m/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.respond(HTTPResponse(status: 204, body: Array("ignored".utf8)))
        #expect(connection.output.hasPrefix("HTTP/1.1 204 No Content\r\n"))
        #expect(!connection.output.contains("Content-Length"))
        #expect(connection.output.hasSuffix("\r\n\r\n"))
    }

    @Test func applicationCannotInjectFramingOrSplitHeaders() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.respond(HTTPResponse(
            status: 200,
            headers: ["Content-Length": "999", "Transfer-Encoding": "chunked", "X-Evil": "a\r\nSet-Cookie: s=1", "Bad Name": "v"],
            body: Array("ok".utf8)))
        #expect(connection.output.contains("Content-Length: 2\r\n"))
        #expect(!connection.output.contains("999"))
        #expect(!connection.output.contains("Transfer-Encoding"))
        #expect(connection.output.contains("X-Evil: a  Set-Cookie: s=1\r\n"))
        #expect(!connection.output.contains("Bad Name"))
    }

    @Test func expectContinueGets100BeforeTheBody() throws {
        var connection = ConnectionHarness()
        connection.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(connection.output == "HTTP/1.1 100 Continue\r\n\r\n")
        connection.send("data")
        #expect(try #require(connection.dispatched.first).body == Array("data".utf8))
        connection.respond(.text("ok"))
        #expect(connection.statuses == [100, 200])
    }

    @Test func expectContinueWithTooLargeBodyGets413Only() {
        var connection = ConnectionHarness(maxBodyBytes: 100)
        connection.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n")
        #expect(connection.statuses == [413])
    }

    @Test func unknownExpectationIs417() {
        var connection = ConnectionHarness()
        connection.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: teapot\r\n\r\nx")
        #expect(connection.statuses == [417])
    }

    @Test func slowHeadTimesOutWith408() {
        var connection = ConnectionHarness(headerTimeout: .seconds(5))
        connection.advance(seconds: 1)
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n")
        connection.advance(seconds: 3.9)
        connection.send("X-Slow: 1\r\n")
        #expect(connection.statuses.isEmpty)
        connection.advance(seconds: 0.2)
        #expect(connection.statuses == [408])
        #expect(connection.output.contains("5 seconds"))
    }

    @Test func silentNewConnectionIsClosedAfterTheHeaderTimeout() {
        var connection = ConnectionHarness(headerTimeout: .seconds(5))
        connection.advance(seconds: 4.9)
        #expect(!connection.closed)
        connection.advance(seconds: 0.2)
        #expect(connection.closed)
        #expect(connection.written.isEmpty)
    }

    @Test func slowBodyTimesOutWith408() {
        var connection = ConnectionHarness(bodyTimeout: .seconds(20))
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        connection.advance(seconds: 19)
        connection.send("def")
        #expect(connection.statuses.isEmpty)
        connection.advance(seconds: 1.5)
        #expect(connection.statuses == [408])
        #expect(connection.dispatched.isEmpty)
    }

    @Test func idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        var connection = ConnectionHarness(headerTimeout: .seconds(5), idleTimeout: .seconds(60))
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.advance(seconds: 100)  // the application may take its time
        #expect(!connection.closed)
        connection.respond(.text("ok"))
        connection.advance(seconds: 59)
        #expect(!connection.closed)
        connection.advance(seconds: 2)
        #expect(connection.closed)
        #expect(connection.statuses == [200])
    }

    @Test func lingeringCloseEndsAtItsDeadline() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")
        #expect(connection.halfClosed && !connection.closed)
        connection.send("more bytes the client was still sending")
        connection.advance(seconds: 2.5)
        #expect(connection.closed)
    }

    @Test func pipelinedBytesAreBoundedWhileAwaitingAResponse() {
        var connection = ConnectionHarness(maxHeaderBytes: 1024)
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.machine.wantsRead)
        connection.send(String(repeating: "G", count: 2000))
        #expect(!connection.machine.wantsRead)
    }

    @Test func peerHalfCloseStillGetsItsAnswer() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.peerCloses()
        #expect(!connection.closed)
        connection.respond(.text("late"))
        #expect(connection.statuses == [200])
        #expect(connection.output.contains("Connection: close"))
        #expect(connection.closed)
    }

    @Test func shutdownClosesIdleAndFinishesInFlight() {
        var idle = ConnectionHarness()
        idle.shutdown()
        #expect(idle.closed)

        var busy = ConnectionHarness()
        busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        busy.shutdown()
        #expect(!busy.closed)
        busy.respond(.text("done"))
        #expect(busy.statuses == [200])
        #expect(busy.output.contains("Connection: close"))
        #expect(busy.halfClosed)
    }

    @Test func leadingEmptyLinesAreIgnored() {
        var connection = ConnectionHarness()
        connection.send("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.dispatched.count == 1)
    }
}
