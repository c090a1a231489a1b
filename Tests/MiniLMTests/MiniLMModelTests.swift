import Foundation
import Testing
@testable import MiniLM

@Suite(.enabled(if: TestResources.modelAvailable, TestResources.skipMessage))
struct MiniLMModelTests {
    @Test func loads() throws {
        let model = try MiniLMModel(directory: TestResources.modelDirectory)
        #expect(model.dimension == 384)
        #expect(model.modelName == "all-MiniLM-L6-v2")
        #expect(model.maxSequenceLength == 256)
    }

    /// Stacking sequences of different lengths into one pass must not change any of them.
    @Test func batchEqualsOneByOne() throws {
        let model = try #require(TestResources.model)
        let texts = ["User prefers pnpm over npm", "", "The staging database runs on port 5433 and nothing else",
                     "a", "Deploys happen on Tuesday", "x y z"]
        let batch = model.embed(texts)
        #expect(batch.count == texts.count)
        for (text, vector) in zip(texts, batch) {
            let single = try #require(model.embed([text]).first)
            #expect(compare(vector, single).maxDifference <= 1e-6)
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        #expect(model.embed([]).isEmpty)
    }

    @Test func embedLongSplitsIntoOverlappingWindows() throws {
        let model = try #require(TestResources.model)
        let short = "Our memory service keeps a small local database of facts."
        #expect(model.embedLong(short) == model.embed([short]))

        let sentence = "The nightly backup job moved to a new host on Monday, so the runbook changed as well. "
        let long = String(repeating: sentence, count: 40)
        let windows = model.embedLong(long)
        let pieces = model.tokenize(sentence).count - 2
        let stride = (model.maxSequenceLength - 2) * 3 / 4
        #expect(windows.count >= (40 * pieces - (model.maxSequenceLength - 2)) / stride + 1)
        #expect(windows.count <= (40 * pieces) / (stride / 2) + 1)
        // The first window is the text cut at the same place `embed` cuts it.
        #expect(compare(windows[0], try #require(model.embed([long]).first)).maxDifference <= 1e-6)
        for window in windows {
            #expect(compare(window, windows[0]).cosine > 0.9, "windows of a repetitive text are alike")
        }
    }

    /// Calls from several tasks at once share one model. (A short call like this is fine on the
    /// cooperative pool; long batches belong on a thread of their own, see `MiniLMModel`.)
    @Test func concurrentCallsAgree() async throws {
        let model = try #require(TestResources.model)
        let text = "Which port does the staging database use for local development these days?"
        let expected = model.embed([text])
        let results = await withTaskGroup(of: [[Float]].self) { group in
            for _ in 0..<4 { group.addTask { model.embed([text]) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}

/// Loading failures name the file at fault.
struct MiniLMLoadingErrorTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private static let config = """
        {"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12, "intermediate_size": 1536,
         "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "hidden_act": "gelu", "position_embedding_type": "absolute"}
        """

    @Test func missingDirectory() {
        #expect(throws: MiniLMError(.missingFile, file: "/nonexistent/minilm/config.json")) {
            try MiniLMModel(directory: "/nonexistent/minilm")
        }
    }

    @Test func badSafetensorsHeader() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(Self.config, to: directory + "/config.json")
        try write(#"{"max_seq_length": 256}"#, to: directory + "/sentence_bert_config.json")
        try write("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n", to: directory + "/vocab.txt")
        // A header length far beyond the file, then a header that is not JSON.
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        let error = try #require(throws: MiniLMError.self) { try MiniLMModel(directory: directory) }
        #expect(error.code == .badSafetensorsHeader)
        #expect(error.file == directory + "/model.safetensors")
        try Data([3, 0, 0, 0, 0, 0, 0, 0] + Array("{x}".utf8)).write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        #expect(throws: MiniLMError(.badSafetensorsHeader, file: directory + "/model.safetensors", detail: "header is not a JSON object")) {
            try MiniLMModel(directory: directory)
        }
    }

    @Test func unsupportedArchitecture() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(Self.config.replacingOccurrences(of: "\"gelu\"", with: "\"relu\""), to: directory + "/config.json")
        let error = try #require(throws: MiniLMError.self) { try MiniLMModel(directory: directory) }
        #expect(error.code == .badConfiguration)
        #expect(error.file == directory + "/config.json")
        #expect(error.description.contains("relu"))
    }

    /// The real weights with a config claiming a wider feed-forward layer.
    @Test(.enabled(if: TestResources.modelAvailable, TestResources.skipMessage))
    func shapeMismatchNamesTensorAndFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(Self.config.replacingOccurrences(of: "1536", with: "2048"), to: directory + "/config.json")
        try write(#"{"max_seq_length": 256}"#, to: directory + "/sentence_bert_config.json")
        for name in ["vocab.txt", "model.safetensors"] {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: TestResources.modelDirectory + "/" + name)
        }
        let error = try #require(throws: MiniLMError.self) { try MiniLMModel(directory: directory) }
        #expect(error.code == .shapeMismatch)
        #expect(error.file == directory + "/model.safetensors")
        #expect(error.detail.contains("encoder.layer.0.intermediate.dense.weight"))
    }
}
