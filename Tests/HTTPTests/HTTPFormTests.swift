import Testing

@testable import HTTP

@Suite struct HTTPFormTests {
    @Test func parsesFormPairsInOrder() {
        let pairs = HTTPForm.parse("grant_type=authorization_code&code=a%2Bb%3D&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&x=a+b&&flag&=v")
        #expect(pairs.map(\.0) == ["grant_type", "code", "redirect_uri", "x", "flag", ""])
        #expect(pairs.map(\.1) == ["authorization_code", "a+b=", "http://localhost:3000/cb", "a b", "", "v"])
    }

    @Test func malformedEscapesAreKeptLiterally() {
        let pairs = HTTPForm.parse("a=%zz&b=%4&c=%E2%82%AC&d=%FF")
        #expect(pairs.map(\.1) == ["%zz", "%4", "€", "\u{FFFD}"])
    }

    @Test func strictPercentDecoding() {
        #expect(HTTPForm.percentDecode("a%20b+c%2F") == "a b+c/")
        #expect(HTTPForm.percentDecode("caf%C3%A9") == "café")
        #expect(HTTPForm.percentDecode("bad%2") == nil)
        #expect(HTTPForm.percentDecode("bad%g0") == nil)
        #expect(HTTPForm.percentDecode("%FF") == nil)
    }

    @Test(arguments: ["plain", "a b&c=d/é?#+%", "", "日本語", "~-._"])
    func encodingRoundTrips(_ text: String) {
        let encoded = HTTPForm.encode([("k", text)])
        #expect(encoded.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: " ") })
        #expect(HTTPForm.parse(encoded).first?.1 == text)
        #expect(HTTPForm.percentDecode(HTTPForm.percentEncode(text)) == text)
    }

    @Test func headersAreCaseInsensitiveOrderedAndMultiValued() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "Content-Type": "text/plain"]
        headers.add("set-cookie", "b=2")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        headers.set("content-type", "application/json")
        #expect(headers.values(for: "Content-Type") == ["application/json"])
        headers.remove("SET-cookie")
        #expect(!headers.contains("set-cookie"))
        #expect(HTTPHeaders([("Connection", "keep-alive, Upgrade")]).containsToken("upgrade", in: "connection"))
    }

    @Test func credentialsAreRedactedFromDescriptions() {
        let headers: HTTPHeaders = ["Authorization": "Bearer secret-token", "Accept": "*/*"]
        #expect(!headers.description.contains("secret-token"))
        #expect(headers.description.contains("Accept: */*"))
    }

    @Test func serverErrorBodyIsJSON() {
        let response = HTTPResponse.error(status: 400, code: "bad_request", detail: "a \"quoted\"\nline\u{1}")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"bad_request","detail":"a \"quoted\"\nline\u0001"}"#)
        #expect(response.headers["content-type"] == "application/json")
    }

    @Test func reasonPhrases() {
        #expect(HTTPStatus.reasonPhrase(for: 413) == "Content Too Large")
        #expect(HTTPStatus.reasonPhrase(for: 431) == "Request Header Fields Too Large")
        #expect(HTTPStatus.reasonPhrase(for: 299) == "Success")
    }

    @Test func httpDateIsIMFFixdate() {
        #expect(HTTPResponseEncoder.httpDate(unixSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
