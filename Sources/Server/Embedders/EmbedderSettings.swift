import Foundation
import MiniLM
import Search

/// Which embedder the server uses, as configured.
public struct EmbedderSettings: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Feature hashing: deterministic, no network, no model files (the default).
        case builtin
        /// Any OpenAI-compatible `/v1/embeddings` API (OpenAI, Ollama, llama.cpp, vLLM, TEI).
        case openai
        /// all-MiniLM-L6-v2 run locally from a model directory (`tools/minilm-fetch.py`).
        case minilm
    }

    public var kind: Kind = .builtin
    public var baseURL: String?
    public var model: String?
    public var apiKey: String?
    public var modelDirectory: String?

    public init(kind: Kind = .builtin, baseURL: String? = nil, model: String? = nil, apiKey: String? = nil, modelDirectory: String? = nil) {
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.modelDirectory = modelDirectory
    }
}

/// A configuration mistake in the embedder settings, with what to do about it.
public struct EmbedderSettingsError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Builds the configured embedder.
/// - Throws: `EmbedderSettingsError` naming the missing or wrong setting, or the model loader's error.
public func makeEmbedder(_ settings: EmbedderSettings) throws -> any Embedder {
    switch settings.kind {
    case .builtin:
        return BuiltinEmbedder()
    case .openai:
        guard let base = settings.baseURL.flatMap(URL.init(string:)) else {
            throw EmbedderSettingsError(description: "the openai embedder needs a base URL (--embed-base-url or MEMLEDGER_EMBED_BASE_URL)")
        }
        guard let model = settings.model, !model.isEmpty else {
            throw EmbedderSettingsError(description: "the openai embedder needs a model name (--embed-model or MEMLEDGER_EMBED_MODEL)")
        }
        return try OpenAIEmbedder(configuration: .init(baseURL: base, model: model, apiKey: settings.apiKey))
    case .minilm:
        guard let directory = settings.modelDirectory else {
            throw EmbedderSettingsError(
                description: "the minilm embedder needs --model-dir (fetch the model with `python3 tools/minilm-fetch.py DIR`)")
        }
        return try MiniLMEmbedder(directory: directory)
    }
}
