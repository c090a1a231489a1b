/// The OpenAPI 3.1 description of the REST API, served at `/openapi.json`.
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(text.utf8)
    static let text = "{}"
}
