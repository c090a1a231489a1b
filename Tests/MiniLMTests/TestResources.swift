import Foundation
import Testing
@testable import MiniLM

/// Locates the model directory and the shared reference fixture, and loads both once.
///
/// The model is not in the repository (`tools/minilm-fetch.py` downloads it); tests that need it
/// are skipped with a message when it is absent. The fixture lives in `shared/fixtures/`, a sibling
/// of the checkout (X/main beside X/shared), found by walking up from the package root.
enum TestResources {
    /// The package root: this file is `<root>/Tests/MiniLMTests/TestResources.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let modelDirectory: String = {
        if let configured = ProcessInfo.processInfo.environment["MEMLEDGER_MINILM_DIR"], !configured.isEmpty {
            return configured
        }
        return packageRoot + "/models/all-MiniLM-L6-v2"
    }()

    static let modelAvailable = FileManager.default.fileExists(atPath: modelDirectory + "/model.safetensors")
        && FileManager.default.fileExists(atPath: modelDirectory + "/vocab.txt")

    static let skipMessage: Comment = "model files absent from MEMLEDGER_MINILM_DIR or models/all-MiniLM-L6-v2: run tools/minilm-fetch.py"

    /// Set by `tools/minilm-check.sh` to compare all 40 fixture items, not only a few short ones.
    static let fullCheck = ProcessInfo.processInfo.environment["MEMLEDGER_MINILM_FULL"] == "1"

    /// The model, loaded once for all tests (`nil` when the files are absent or fail to load; the
    /// loading test reports the error).
    static let model: MiniLMModel? = modelAvailable ? try? MiniLMModel(directory: modelDirectory) : nil

    /// `MEMLEDGER_MINILM_FIXTURE` if set, else the first `shared/fixtures/minilm-reference.json`
    /// found in the package root or one of its ancestors.
    static let fixturePath: String? = {
        if let configured = ProcessInfo.processInfo.environment["MEMLEDGER_MINILM_FIXTURE"], !configured.isEmpty {
            return configured
        }
        var directory = URL(fileURLWithPath: packageRoot)
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("shared/fixtures/minilm-reference.json").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static let fixture: Fixture? = fixturePath.flatMap { path in
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Fixture.self, from: $0) }
    }
}

/// `shared/fixtures/minilm-reference.json`, written by sentence-transformers 6.3.0 on CPU torch.
struct Fixture: Decodable {
    struct Item: Decodable {
        let text: String
        let note: String
        let inputIDs: [Int32]
        let embedding: [Float]

        enum CodingKeys: String, CodingKey {
            case text, note, embedding
            case inputIDs = "input_ids"
        }
    }

    struct Pair: Decodable {
        let a: Int
        let b: Int
        let kind: String
        let cosine: Double
    }

    let model: String
    let maxSequenceLength: Int
    let embeddingDimension: Int
    let items: [Item]
    let pairs: [Pair]

    enum CodingKeys: String, CodingKey {
        case model, items, pairs
        case maxSequenceLength = "max_seq_length"
        case embeddingDimension = "embedding_dim"
    }
}

/// Largest absolute component difference and cosine similarity of two vectors.
func compare(_ actual: [Float], _ expected: [Float]) -> (maxDifference: Float, cosine: Double) {
    var maxDifference: Float = 0
    var dot = 0.0, actualNorm = 0.0, expectedNorm = 0.0
    for (a, e) in zip(actual, expected) {
        maxDifference = max(maxDifference, abs(a - e))
        dot += Double(a) * Double(e)
        actualNorm += Double(a) * Double(a)
        expectedNorm += Double(e) * Double(e)
    }
    return (maxDifference, dot / (actualNorm.squareRoot() * expectedNorm.squareRoot()))
}
