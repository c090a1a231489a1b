import Foundation
import Testing
@testable import MiniLM

/// Tokenizer behaviour beyond the 40 fixture items.
struct TokenizerTests {
    /// Ids produced by Hugging Face `tokenizers` 0.23.3 from this model's `tokenizer.json`
    /// (padding off, truncation at 256): special tokens written in the text, compatibility
    /// characters, Hangul (decomposed to jamo by NFD), private use and control characters.
    static let referenceCases: [(text: String, ids: [Int32])] = [
        ("hello [MASK] world", [101, 7592, 103, 2088, 102]),
        ("a[CLS]b [SEP][SEP] [unk] [UNK]x", [101, 1037, 101, 1038, 102, 102, 1031, 4895, 2243, 1033, 100, 1060, 102]),
        ("[MASK", [101, 1031, 7308, 102]),
        ("x\u{301}[PAD]\u{301}y", [101, 1060, 0, 1061, 102]),
        ("\u{2163} \u{212B} \u{FB01} \u{BD} \u{2028} \u{85} \u{AD} soft", [101, 100, 1037, 1984, 1092, 3730, 102]),
        ("\u{2B820}\u{2B920} \u{3400} \u{AC00}\u{D55C} \u{E000}pua", [101, 100, 100, 100, 1455, 30006, 30005, 30006, 30021, 16405, 2050, 102]),
        ("\u{1C5} \u{3A3}\u{3C3}\u{3C2} \u{390}", [101, 100, 1173, 29733, 19579, 1163, 102]),
    ]

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.skipMessage), arguments: 0..<referenceCases.count)
    func matchesHuggingFaceTokenizers(index: Int) throws {
        let model = try #require(TestResources.model)
        let (text, ids) = Self.referenceCases[index]
        #expect(model.tokenize(text) == ids, "case \(index)")
    }

    /// A tokenizer over a tiny vocabulary written to a temporary file.
    private func tinyTokenizer() throws -> WordPieceTokenizer {
        let entries = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "##a", "b", ",", "!", "\r", "\u{E9}"]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-vocab-\(UUID().uuidString).txt").path
        try Data((entries.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try WordPieceTokenizer(vocabularyFile: path)
    }

    @Test func wordPiecesTakeTheLongestMatchFromTheLeft() throws {
        let tokenizer = try tinyTokenizer()
        #expect(tokenizer.wordPieces("unaffable") == [5, 6, 7])
        #expect(tokenizer.wordPieces("UnAffable, a!") == [5, 6, 7, 11, 8, 12])
        #expect(tokenizer.isContinuation(6) && !tokenizer.isContinuation(5))
    }

    @Test func uncoverableOrOverlongWordsBecomeUnknown() throws {
        let tokenizer = try tinyTokenizer()
        #expect(tokenizer.wordPieces("unaffablex b") == [1, 10])
        #expect(tokenizer.wordPieces(String(repeating: "a", count: 100)) == [8] + [Int32](repeating: 9, count: 99))
        #expect(tokenizer.wordPieces(String(repeating: "a", count: 101)) == [1])
    }

    @Test func vocabularyLinesSplitOnNewlineOnly() throws {
        let tokenizer = try tinyTokenizer()
        // "\r" is its own vocabulary entry (line 14) and "é" (line 15) is precomposed: the text's
        // accent is stripped, so "é" in text becomes "e", which is absent.
        #expect(tokenizer.count == 15)
        #expect(tokenizer.wordPieces("\u{E9}") == [1])
    }

    @Test func truncationKeepsTheSpecialTokens() throws {
        let tokenizer = try tinyTokenizer()
        #expect(tokenizer.encode("a b a b", maxLength: 4) == [2, 8, 10, 3])
        #expect(tokenizer.encode("", maxLength: 4) == [2, 3])
        #expect(tokenizer.encode("a [SEP] b", maxLength: 256) == [2, 8, 3, 10, 3])
    }

    @Test func missingVocabularyNamesTheFile() {
        let path = "/nonexistent/minilm/vocab.txt"
        #expect(throws: MiniLMError(.missingFile, file: path)) { try WordPieceTokenizer(vocabularyFile: path) }
    }
}
