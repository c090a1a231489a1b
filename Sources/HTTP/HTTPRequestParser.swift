/// An incremental HTTP/1.1 request parser (RFC 9112) that does no I/O: bytes go in with
/// `append`, events come out of `next()`.
///
/// It refuses every framing a proxy in front could read differently (request smuggling, RFC 9112
/// §6.3 and §11.2): Content-Length together with Transfer-Encoding, repeated or list-valued
/// Content-Length, bare CR or LF, obsolete line folding, whitespace before a colon, malformed chunk
/// sizes. Buffered bytes are bounded by the head limit while a head is read and by the body limit
/// while a body is read.
struct HTTPRequestParser {
    struct Limits: Sendable {
        var maxHeaderBytes: Int
        var maxHeaderCount: Int
        var maxBodyBytes: Int
    }

    enum Event {
        /// More bytes are needed.
        case needMoreData
        /// A head is complete; call `next()` again for the body (an empty one when there is none).
        case head(HTTPRequestHead)
        /// The body of the current request is complete (de-chunked); the parser is ready for the
        /// next request.
        case body([UInt8])
        /// The request is refused; the connection must be closed after answering.
        case failure(HTTPParseError)
    }

    private enum State {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTPParseError)

        var isTrailers: Bool {
            if case .trailers = self { return true }
            return false
        }
    }

    let limits: Limits
    private var state = State.head
    private var buffer: [UInt8] = []
    /// Index of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Progress of the line scanner, relative to `start`, so trickled input is scanned once.
    private var scanned = 0
    private var lineStart = 0
    private var lineCount = 0
    private var body: [UInt8] = []
    private var trailerBytes = 0
    private var trailerCount = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed by a complete event.
    var bufferedByteCount: Int { buffer.count - start }

    /// Whether a request has started arriving (bytes beyond blank lines are buffered or a body is
    /// in progress).
    var isMidRequest: Bool {
        if case .head = state { return bufferedByteCount > 0 }
        return true
    }

    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func next() -> Event {
        switch state {
        case .failed(let error):
            return .failure(error)
        case .head:
            return parseHead()
        case .body(let remaining):
            let take = min(remaining, bufferedByteCount)
            body.append(contentsOf: buffer[start..<(start + take)])
            start += take
            if take == remaining { return finishMessage() }
            state = .body(remaining: remaining - take)
            return .needMoreData
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return parseChunked()
        }
    }

    // MARK: - Head

    private mutating func parseHead() -> Event {
        if scanned == 0 {
            // RFC 9112 §2.2: ignore empty lines before the request line (clients that send CRLF
            // after a POST body).
            while bufferedByteCount >= 2 && buffer[start] == .cr && buffer[start + 1] == .lf {
                start += 2
            }
        }
        var index = start + scanned
        let end = buffer.count
        while index < end {
            if buffer[index] == .lf {
                guard index > start, buffer[index - 1] == .cr else {
                    return fail(.badRequest("a line in the request head ends with a bare LF; lines must end with CRLF"))
                }
                if index - 1 == start + lineStart {
                    let headEnd = index + 1
                    if headEnd - start > limits.maxHeaderBytes { return failHeadTooLarge() }
                    let result = parseHeadLines(from: start, to: index - 1)
                    start = headEnd
                    scanned = 0
                    lineStart = 0
                    lineCount = 0
                    switch result {
                    case .success(let head):
                        switch head.framing {
                        case .none: state = .body(remaining: 0)
                        case .length(let length):
                            body.reserveCapacity(length)
                            state = .body(remaining: length)
                        case .chunked: state = .chunkSize
                        }
                        return .head(head)
                    case .failure(let error):
                        return fail(error)
                    }
                }
                lineCount += 1
                if lineCount > limits.maxHeaderCount + 1 {
                    return fail(.headersTooLarge("the request has more than \(limits.maxHeaderCount) header fields"))
                }
                lineStart = index + 1 - start
            }
            index += 1
        }
        scanned = index - start
        if scanned > limits.maxHeaderBytes { return failHeadTooLarge() }
        return .needMoreData
    }

    private mutating func failHeadTooLarge() -> Event {
        if lineCount == 0 {
            return fail(HTTPParseError(
                status: 414, code: "uri_too_long",
                detail: "the request line exceeds the head limit of \(limits.maxHeaderBytes) bytes"))
        }
        return fail(.headersTooLarge("the request head exceeds the limit of \(limits.maxHeaderBytes) bytes"))
    }

    /// Parses the head between `from` and the CRLF at `to` (exclusive), every line ending in CRLF.
    private func parseHeadLines(from: Int, to: Int) -> Result<HTTPRequestHead, HTTPParseError> {
        var lines: [Range<Int>] = []
        var lineBegin = from
        var index = from
        while index < to {
            if buffer[index] == .cr && buffer[index + 1] == .lf {
                lines.append(lineBegin..<index)
                index += 2
                lineBegin = index
            } else {
                index += 1
            }
        }
        guard let requestLine = lines.first else { return .failure(.badRequest("the request line is missing")) }
        let method: String, target: String, version: HTTPVersion
        switch parseRequestLine(requestLine) {
        case .success(let parsed): (method, target, version) = parsed
        case .failure(let error): return .failure(error)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            switch parseField(line) {
            case .success(let field): headers.add(field.0, field.1)
            case .failure(let error): return .failure(error)
            }
        }
        return makeHead(method: method, target: target, version: version, headers: headers)
    }

    private func parseRequestLine(_ line: Range<Int>) -> Result<(String, String, HTTPVersion), HTTPParseError> {
        let bytes = buffer[line]
        let parts = bytes.split(separator: .space, maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .failure(.badRequest("the request line must be `METHOD target HTTP/1.1` with single spaces"))
        }
        let methodBytes = parts[0], targetBytes = parts[1], versionBytes = parts[2]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else {
            return .failure(.badRequest("the request method is not a valid token"))
        }
        guard !targetBytes.isEmpty else { return .failure(.badRequest("the request target is empty")) }
        for byte in targetBytes where byte <= 0x20 || byte >= 0x7F {
            if byte == 0 || byte == .cr || byte == .lf {
                return .failure(.badRequest("the request target contains a CR, LF or NUL byte"))
            }
            return .failure(.badRequest("the request target contains a control, space or non-ASCII byte; percent-encode it"))
        }
        let versionText = String(decoding: versionBytes, as: UTF8.self)
        guard versionText.utf8.count == 8, versionText.hasPrefix("HTTP/"),
            let major = versionBytes[versionBytes.startIndex + 5].digitValue,
            versionBytes[versionBytes.startIndex + 6] == UInt8(ascii: "."),
            let minor = versionBytes[versionBytes.startIndex + 7].digitValue
        else {
            if bytes.contains(.cr) { return .failure(.badRequest("the request line contains a bare CR")) }
            return .failure(.badRequest("the request line does not end with a valid HTTP version"))
        }
        guard major == 1 else {
            return .failure(HTTPParseError(
                status: 505, code: "http_version_not_supported", detail: "only HTTP/1.0 and HTTP/1.1 are served"))
        }
        let method = String(decoding: methodBytes.map(upperASCII), as: UTF8.self)
        var target = String(decoding: targetBytes, as: UTF8.self)
        if target == "*" {
            guard method == "OPTIONS" else { return .failure(.badRequest("the target `*` is only valid with OPTIONS")) }
        } else if !target.hasPrefix("/") {
            // Absolute form (RFC 9112 §3.2.2): keep only the path and query.
            let lower = target.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                return .failure(.badRequest("the request target must be an absolute path such as `/api`"))
            }
            let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                let rest = afterScheme[slash...]
                target = rest.hasPrefix("?") ? "/" + rest : String(rest)
            } else {
                target = "/"
            }
        }
        return .success((method, target, HTTPVersion(major: major, minor: min(minor, 1))))
    }

    private func parseField(_ line: Range<Int>) -> Result<(String, String), HTTPParseError> {
        let bytes = buffer[line]
        guard let first = bytes.first else { return .failure(.badRequest("empty header line")) }
        if first == .space || first == .tab {
            return .failure(.badRequest("obsolete line folding (a header line starting with whitespace) is not accepted"))
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(.badRequest("a header line has no colon"))
        }
        let name = bytes[bytes.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            return .failure(.badRequest("a header name is empty, contains whitespace or is not a token"))
        }
        var valueStart = colon + 1, valueEnd = bytes.endIndex
        while valueStart < valueEnd, buffer[valueStart] == .space || buffer[valueStart] == .tab { valueStart += 1 }
        while valueEnd > valueStart, buffer[valueEnd - 1] == .space || buffer[valueEnd - 1] == .tab { valueEnd -= 1 }
        for byte in buffer[valueStart..<valueEnd] where (byte < 0x20 && byte != .tab) || byte == 0x7F {
            return .failure(.badRequest(
                byte == .cr ? "a header value contains a bare CR" : "a header value contains a control character"))
        }
        return .success((String(decoding: name, as: UTF8.self), String(decoding: buffer[valueStart..<valueEnd], as: UTF8.self)))
    }

    private func makeHead(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) -> Result<HTTPRequestHead, HTTPParseError> {
        checkedHead(method: method, target: target, version: version, headers: headers).mapError { error in
            var error = error
            error.method = method
            error.requestID = headers["X-Request-Id"]
            return error
        }
    }

    /// The head, once its framing and host headers are checked.
    private func checkedHead(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) -> Result<HTTPRequestHead, HTTPParseError> {
        let hosts = headers.values(for: "host")
        if hosts.count > 1 { return .failure(.badRequest("the request has more than one Host header")) }
        if version == .http1_1 && hosts.isEmpty { return .failure(.badRequest("an HTTP/1.1 request must have a Host header")) }

        let lengths = headers.values(for: "content-length")
        let encodings = headers.values(for: "transfer-encoding")
        var framing = HTTPRequestHead.Framing.none
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(.badRequest("the request has both Content-Length and Transfer-Encoding; send only one"))
            }
            guard version == .http1_1 else {
                return .failure(.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request"))
            }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { trimOWS($0).lowercased() }
            guard codings.last == "chunked" else {
                return .failure(.badRequest("the final transfer coding must be `chunked`"))
            }
            guard codings.count == 1 else {
                if codings.filter({ $0 == "chunked" }).count > 1 || codings.contains("") {
                    return .failure(.badRequest("the Transfer-Encoding list is malformed or repeats `chunked`"))
                }
                return .failure(HTTPParseError(
                    status: 501, code: "not_implemented", detail: "only the `chunked` transfer coding is supported"))
            }
            framing = .chunked
        } else if !lengths.isEmpty {
            guard lengths.count == 1 else {
                return .failure(.badRequest("the request has more than one Content-Length header"))
            }
            let text = lengths[0]
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return .failure(.badRequest("Content-Length must be a single non-negative decimal number"))
            }
            guard text.utf8.count <= 18, let length = Int(text), length <= limits.maxBodyBytes else {
                return .failure(.bodyTooLarge(limit: limits.maxBodyBytes))
            }
            framing = length > 0 ? .length(length) : .none
        }

        var expectsContinue = false
        let expectations = headers.values(for: "expect")
        if !expectations.isEmpty {
            guard expectations.count == 1, HTTPHeaders.equalNames(trimOWS(expectations[0]), "100-continue") else {
                return .failure(HTTPParseError(
                    status: 417, code: "expectation_failed", detail: "only `Expect: 100-continue` is supported"))
            }
            // RFC 9110 §10.1.1: an HTTP/1.0 client cannot understand 100 Continue.
            expectsContinue = version == .http1_1 && framing != .none
        }

        let keepAlive =
            version == .http1_1
            ? !headers.containsToken("close", in: "connection")
            : headers.containsToken("keep-alive", in: "connection")
        return .success(HTTPRequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            expectsContinue: expectsContinue, keepAlive: keepAlive))
    }

    // MARK: - Chunked body (RFC 9112 §7.1)

    private mutating func parseChunked() -> Event {
        while true {
            switch state {
            case .chunkSize:
                guard let lineEnd = findLineEnd(limit: limits.maxHeaderBytes) else { return .needMoreData }
                switch lineEnd {
                case .failure(let error): return fail(error)
                case .success(let end):
                    let line = buffer[start..<end]
                    start = end + 2
                    guard let size = parseChunkSize(line) else {
                        return fail(.badRequest("a chunk size is not a valid hexadecimal number"))
                    }
                    if size == 0 {
                        trailerBytes = 0
                        trailerCount = 0
                        state = .trailers
                    } else {
                        guard size <= limits.maxBodyBytes - body.count else {
                            return fail(.bodyTooLarge(limit: limits.maxBodyBytes))
                        }
                        state = .chunkData(remaining: size)
                    }
                }
            case .chunkData(let remaining):
                let take = min(remaining, bufferedByteCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                if take < remaining {
                    state = .chunkData(remaining: remaining - take)
                    return .needMoreData
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else { return .needMoreData }
                guard buffer[start] == .cr && buffer[start + 1] == .lf else {
                    return fail(.badRequest("chunk data is not followed by CRLF; the chunk size is wrong"))
                }
                start += 2
                state = .chunkSize
            case .trailers:
                guard let lineEnd = findLineEnd(limit: limits.maxHeaderBytes - trailerBytes) else {
                    return .needMoreData
                }
                switch lineEnd {
                case .failure(let error): return fail(error)
                case .success(let end):
                    let range = start..<end
                    trailerBytes += end + 2 - start
                    start = end + 2
                    if range.isEmpty { return finishMessage() }
                    trailerCount += 1
                    if trailerCount > limits.maxHeaderCount {
                        return fail(.headersTooLarge("the chunked body has more than \(limits.maxHeaderCount) trailer fields"))
                    }
                    // Trailers are checked and dropped: merging them into the headers would let a
                    // body smuggle framing or credential fields past the head's checks.
                    if case .failure(let error) = parseField(range) { return fail(error) }
                }
            case .head, .body, .failed:
                return .failure(.badRequest("internal parser state"))
            }
        }
    }

    /// Finds the CRLF ending the line at `start`; nil when more bytes are needed.
    private func findLineEnd(limit: Int) -> Result<Int, HTTPParseError>? {
        var index = start
        while index < buffer.count {
            if buffer[index] == .lf {
                guard index > start, buffer[index - 1] == .cr else {
                    return .failure(.badRequest("a line in the chunked body ends with a bare LF"))
                }
                return .success(index - 1)
            }
            index += 1
            if index - start > limit {
                return .failure(
                    state.isTrailers
                        ? .headersTooLarge("the chunked body's trailers exceed the limit of \(limits.maxHeaderBytes) bytes")
                        : .badRequest("a chunk size line is too long"))
            }
        }
        return nil
    }

    /// `1*HEXDIG [BWS ";" extensions]`; extensions are ignored but must not contain control bytes.
    private func parseChunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = hexValue(line[index]) {
            digits += 1
            if digits > 15 { return nil }
            size = size << 4 | Int(value)
            index += 1
        }
        guard digits > 0 else { return nil }
        while index < line.endIndex, line[index] == .space || line[index] == .tab { index += 1 }
        if index == line.endIndex { return size }
        guard line[index] == UInt8(ascii: ";") else { return nil }
        for byte in line[index...] where (byte < 0x20 && byte != .tab) || byte == 0x7F { return nil }
        return size
    }

    // MARK: - Transitions

    private mutating func finishMessage() -> Event {
        let complete = body
        body = []
        state = .head
        return .body(complete)
    }

    private mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        body = []
        return .failure(error)
    }
}

/// `tchar` of RFC 9110 §5.6.2.
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
        UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
        UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

@inline(__always)
func upperASCII(_ byte: UInt8) -> UInt8 {
    byte >= 0x61 && byte <= 0x7A ? byte & ~0x20 : byte
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    var digitValue: Int? {
        self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") ? Int(self - UInt8(ascii: "0")) : nil
    }
}
