import HTTP

/// An error answer of the REST API: `{"error": code, "detail": text, "request_id": id}` with a status.
///
/// Details never contain memory content, keys or tokens.
public struct APIError: Error, Equatable, Sendable {
    public var status: Int
    public var code: String
    public var detail: String
    public var headers: HTTPHeaders

    public init(_ status: Int, _ code: String, _ detail: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
    }

    public static func badRequest(_ detail: String) -> APIError { APIError(400, "invalid_argument", detail) }
    public static func validation(_ detail: String) -> APIError { APIError(422, "validation_error", detail) }
    public static func notFound(_ detail: String) -> APIError { APIError(404, "not_found", detail) }
    public static func forbidden(_ detail: String) -> APIError { APIError(403, "insufficient_scope", detail) }
    public static let unsupportedMediaType = APIError(415, "unsupported_media_type", "send the body as Content-Type: application/json")
}
