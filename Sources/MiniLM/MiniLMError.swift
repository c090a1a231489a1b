/// Why a MiniLM model directory could not be loaded.
///
/// A struct around a code rather than a public enum, so new failure kinds can be added without
/// breaking callers that switch over them. Every error names the file it is about; none carries
/// text that was being embedded.
public struct MiniLMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure, comparable with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Raw: Hashable, Sendable {
            case missingFile, unreadableFile, badSafetensorsHeader, missingTensor, unsupportedDataType
            case shapeMismatch, badConfiguration, badVocabulary
        }

        private let raw: Raw

        /// A required file does not exist.
        public static let missingFile = Code(raw: .missingFile)
        /// A file exists but could not be opened, mapped or read.
        public static let unreadableFile = Code(raw: .unreadableFile)
        /// The safetensors header is truncated, not JSON, or describes data outside the file.
        public static let badSafetensorsHeader = Code(raw: .badSafetensorsHeader)
        /// A tensor the encoder needs is absent from the safetensors file.
        public static let missingTensor = Code(raw: .missingTensor)
        /// A tensor is stored in a type other than F32.
        public static let unsupportedDataType = Code(raw: .unsupportedDataType)
        /// A tensor's shape disagrees with `config.json`.
        public static let shapeMismatch = Code(raw: .shapeMismatch)
        /// `config.json` or `sentence_bert_config.json` is unreadable or describes another architecture.
        public static let badConfiguration = Code(raw: .badConfiguration)
        /// `vocab.txt` is not valid UTF-8, lacks a special token, or disagrees with the config.
        public static let badVocabulary = Code(raw: .badVocabulary)

        public var description: String {
            switch raw {
            case .missingFile: "missing file"
            case .unreadableFile: "unreadable file"
            case .badSafetensorsHeader: "bad safetensors header"
            case .missingTensor: "missing tensor"
            case .unsupportedDataType: "unsupported tensor data type"
            case .shapeMismatch: "tensor shape mismatch"
            case .badConfiguration: "bad model configuration"
            case .badVocabulary: "bad vocabulary"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The path of the file the error is about.
    public let file: String
    /// Specifics such as the tensor name or the expected and actual shapes.
    public let detail: String

    init(_ code: Code, file: String, detail: String = "") {
        self.code = code
        self.file = file
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(code): \(file)" : "\(code): \(file): \(detail)"
    }
}
