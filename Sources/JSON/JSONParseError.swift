/// Why a byte sequence is not the JSON text the parser accepts, and where it went wrong.
///
/// Messages name the byte offset and the rule broken, never the content, because the input may
/// be a memory or a credential.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identity for each kind of failure; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unexpectedEnd = "unexpected end of input"
            case unexpectedCharacter = "unexpected character"
            case trailingCharacters = "unexpected characters after the JSON value"
            case invalidNumber = "invalid number"
            case numberOutOfRange = "number out of range"
            case invalidLiteral = "invalid literal"
            case invalidEscape = "invalid escape sequence"
            case loneSurrogate = "unpaired UTF-16 surrogate in \\u escape"
            case controlCharacter = "unescaped control character in string"
            case invalidUTF8 = "invalid UTF-8"
            case depthLimitExceeded = "nesting too deep"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let unexpectedEnd = Code(.unexpectedEnd)
        public static let unexpectedCharacter = Code(.unexpectedCharacter)
        public static let trailingCharacters = Code(.trailingCharacters)
        public static let invalidNumber = Code(.invalidNumber)
        public static let numberOutOfRange = Code(.numberOutOfRange)
        public static let invalidLiteral = Code(.invalidLiteral)
        public static let invalidEscape = Code(.invalidEscape)
        public static let loneSurrogate = Code(.loneSurrogate)
        public static let controlCharacter = Code(.controlCharacter)
        public static let invalidUTF8 = Code(.invalidUTF8)
        public static let depthLimitExceeded = Code(.depthLimitExceeded)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// Byte offset of the offending input from the start of the document.
    public let offset: Int
    /// Extra human detail such as what was expected; never contains input content.
    public let detail: String?

    public init(_ code: Code, at offset: Int, _ detail: String? = nil) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    /// A human message, e.g. "invalid JSON at byte 12: unexpected character (expected ':')".
    public var message: String {
        var text = "invalid JSON at byte \(offset): \(code.description)"
        if let detail { text += " (\(detail))" }
        return text
    }

    public var description: String { message }
}
