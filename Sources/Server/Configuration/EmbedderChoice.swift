/// Which embedder the server computes vectors with; frozen at start-up.
public enum EmbedderChoice: Sendable, Hashable {
    /// The built-in hashing embedder: no model files, no network.
    case builtin
    /// An OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, …).
    case openAI(baseURL: String, model: String, apiKey: String?)
    /// The MiniLM sentence encoder, run in-process from a model directory.
    case miniLM(modelDirectory: String)

    /// The name used in flags, variables and logs.
    public var name: String {
        switch self {
        case .builtin: "builtin"
        case .openAI: "openai"
        case .miniLM: "minilm"
        }
    }
}
