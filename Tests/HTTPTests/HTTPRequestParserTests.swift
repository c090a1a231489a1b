import Testing

@testable import HTTP

/// The parser and connection lifecycle, driven in-process with a fake clock.
@Suite struct HTTPRequestParserTests {
    @Test func simpleGetIsDispatchedWithParsedFields() throws {
        var connection = ConnectionHarness()
        connection.send("get /api/v1/memories?user_id=al%20ice&q=a+b&flag HTTP/1.1\r\nHost: x\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n")
        let request = try #require(connection.dispatched.first)
        #expect(request.method == "GET")
        #expect(request.target == "/api/v1/memories?user_id=al%20ice&q=a+b&flag")
        #expect(request.path == "/api/v1/memories")
        #expect(request.query.map(\.0) == ["user_id", "q", "flag"])
        #expect(request.query.map(\.1) == ["al ice", "a b", ""])
        #expect(request.headers.values(for: "X-MULTI") == ["1", "2"])
        #expect(request.remoteAddress == "192.0.2.7")
        #expect(request.httpVersion == .http1_1)
        #expect(request.body.isEmpty)
    }

    @Test func contentLengthBodyArrivingInPieces() throws {
        var connection = ConnectionHarness()
        connection.send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Le")
        connection.send("ngth: 11\r\n\r\nhello")
        #expect(connection.dispatched.isEmpty)
        connection.send(" world")
        let request = try #require(connection.dispatched.first)
        #expect(request.body == Array("hello world".utf8))
    }

    /// Each of these could be framed differently by a proxy in front (request smuggling) or is
    /// simply malformed; every one must be refused with 400 and the connection closed.
    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc",
        "GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\nb HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET relative HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTX/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext\0\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
    ])
    func ambiguousOrMalformedFramingIsRefused(_ raw: String) {
        var connection = ConnectionHarness()
        connection.send(raw)
        #expect(connection.dispatched.isEmpty)
        #expect(connection.statuses == [400], "\(raw.debugDescription) → \(connection.output.prefix(80).debugDescription)")
        #expect(connection.output.contains("Connection: close"))
        #expect(connection.output.contains("\"error\":\"bad_request\""))
        #expect(connection.halfClosed)
    }

    @Test func unsupportedTransferCodingIs501() {
        var connection = ConnectionHarness()
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        #expect(connection.statuses == [501])
    }

    @Test func unsupportedVersionIs505() {
        var connection = ConnectionHarness()
        connection.send("GET / HTTP/2.0\r\nHost: x\r\n\r\n")
        #expect(connection.statuses == [505])
    }

    @Test func absoluteFormTargetIsReducedToPath() throws {
        var connection = ConnectionHarness()
        connection.send("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n")
        let request = try #require(connection.dispatched.first)
        #expect(request.path == "/a/b")
        #expect(request.queryValue("c") == "d")
    }

    @Test func oversizedHeadIs431() {
        var connection = ConnectionHarness(maxHeaderBytes: 1024)
        connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 2000))\r\n\r\n")
        #expect(connection.statuses == [431])
        #expect(connection.output.contains("1024 bytes"))
    }

    @Test func oversizedHeadTrickledInIs431BeforeItEnds() {
        var connection = ConnectionHarness(maxHeaderBytes: 1024)
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n")
        for _ in 0..<40 where connection.statuses.isEmpty {
            connection.send("X-Filler: \(String(repeating: "b", count: 40))\r\n")
        }
        #expect(connection.statuses == [431])
    }

    @Test func overlongRequestLineIs414() {
        var connection = ConnectionHarness(maxHeaderBytes: 1024)
        connection.send("GET /\(String(repeating: "a", count: 2000))")
        #expect(connection.statuses == [414])
    }

    @Test func tooManyHeadersIs431() {
        var connection = ConnectionHarness(maxHeaderCount: 10)
        let fields = (0..<11).map { "X-\($0): v\r\n" }.joined()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
        #expect(connection.statuses == [431])
        #expect(connection.output.contains("more than 10 header fields"))
    }

    @Test func headerCountAtTheLimitIsAccepted() {
        var connection = ConnectionHarness(maxHeaderCount: 10)
        let fields = (0..<9).map { "X-\($0): v\r\n" }.joined()
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
        #expect(connection.dispatched.count == 1)
    }

    @Test func contentLengthOverTheLimitIs413NamingTheLimit() {
        var connection = ConnectionHarness(maxBodyBytes: 1000)
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
        #expect(connection.statuses == [413])
        #expect(connection.output.contains("limit of 1000 bytes"))
        #expect(connection.output.contains("\"error\":\"content_too_large\""))
    }

    @Test func hugeContentLengthIs413NotACrash() {
        var connection = ConnectionHarness()
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n")
        #expect(connection.statuses == [413])
    }

    @Test func chunkedBodyOverTheLimitIs413() {
        var connection = ConnectionHarness(maxBodyBytes: 10)
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n")
        #expect(connection.statuses.isEmpty)
        connection.send("5\r\nghijk\r\n")
        #expect(connection.statuses == [413])
        #expect(connection.output.contains("limit of 10 bytes"))
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() throws {
        var connection = ConnectionHarness(maxBodyBytes: 10)
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n")
        #expect(try #require(connection.dispatched.first).body.count == 10)
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        var connection = ConnectionHarness()
        connection.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n")
        connection.send("5;name=value;flag\r\nhello\r\n")
        connection.send("6 ; x=\"quoted\"\r\n world\r\nA\r\n0123456789\r\n")
        connection.send("0\r\nX-Checksum: abc\r\nContent-Length: 5\r\n\r\n")
        let request = try #require(connection.dispatched.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "hello world0123456789")
        #expect(request.headers["x-checksum"] == nil, "trailers are not merged into the headers")
        #expect(request.headers["content-length"] == nil)
    }

    @Test func chunkedBytesOneAtATime() throws {
        var connection = ConnectionHarness()
        let raw = "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1f\r\n\(String(repeating: "z", count: 31))\r\n0\r\n\r\n"
        for byte in raw.utf8 { connection.send([byte]) }
        let request = try #require(connection.dispatched.first)
        #expect(request.body.count == 34)
    }

    @Test func tooManyTrailersIs431() {
        var connection = ConnectionHarness(maxHeaderCount: 3)
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
        #expect(connection.statuses == [431])
    }

    @Test func hostileBytesNeverCrash() {
        // A deterministic pseudo-random stream of bytes biased towards the framing characters.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("GET POST / HTTP/1.1\r\n:;0123456789abcdefABCDEF Content-Length Transfer-Encoding chunked\0\t".utf8)
        for _ in 0..<300 {
            var connection = ConnectionHarness(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 256)
            var bytes: [UInt8] = Array("POST / HTTP/1.1\r\nHost: x\r\n".utf8)
            for _ in 0..<400 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let pick = Int(seed >> 33)
                bytes.append(pick % 7 == 0 ? UInt8(truncatingIfNeeded: pick >> 8) : alphabet[pick % alphabet.count])
            }
            var offset = 0
            while offset < bytes.count {
                let size = 1 + Int(seed >> 40) % 37
                connection.send(Array(bytes[offset..<min(bytes.count, offset + size)]))
                offset += size
                while !connection.dispatched.isEmpty {
                    connection.dispatched.removeFirst()
                    connection.respond(.text("ok"))
                }
            }
            #expect(connection.statuses.allSatisfy { [200, 400, 413, 414, 417, 431, 501, 505].contains($0) })
        }
    }
}
