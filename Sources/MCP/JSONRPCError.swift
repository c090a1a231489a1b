import JSON

/// A JSON-RPC 2.0 error object (JSON-RPC §5.1) with the codes MCP uses.
///
/// Messages are fixed texts or name only protocol elements (method and tool names), never
/// argument values, which may hold memory content or credentials.
public struct JSONRPCError: Error, Hashable, Sendable {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// Implementation-defined server error; used for transport-level refusals. Never -32020…-32022,
    /// which would mark this server as a 2026-era one and stop clients falling back (checklist §1.9).
    public static let serverErrorCode = -32000

    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }

    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)")
    }

    public static func invalidParams(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)")
    }

    public static func serverError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: serverErrorCode, message: detail)
    }

    /// The `error` member of a response.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// A complete error response; `id` is `null` when the request's id could not be read.
    public func response(id: JSONValue?) -> JSONValue {
        ["jsonrpc": "2.0", "id": id ?? .null, "error": jsonValue]
    }
}
