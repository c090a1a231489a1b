/// A light English suffix stemmer: plural `s`/`es`/`ies`, `ing`, `ed`, and a final `y`/`e`.
///
/// It is far lighter than Porter's on purpose: it only has to make the forms people actually
/// alternate between in notes and questions meet ("allergies"/"allergy" → `allergi`,
/// "liked"/"likes"/"liking" → `lik`, "running" → `run`), and it must never change, since stems
/// are stored in the full-text column. Words with non-ASCII letters or digits are returned as is.
enum Stemmer {
    static func stem(_ word: String) -> String {
        var chars = Array(word.utf8)
        guard stem(&chars) else { return word }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Stems the UTF-8 bytes of a word in place, so the full-text path needs no `String` per word.
    /// - Returns: false when the word is left as is (too short, or not only `a`–`z`).
    @discardableResult
    static func stem(_ chars: inout [UInt8]) -> Bool {
        guard chars.count > 3, chars.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }

        func ends(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard chars.count >= count else { return false }
            let offset = chars.count - count
            for i in 0 ..< count where chars[offset + i] != suffix.utf8Start[i] { return false }
            return true
        }
        func hasVowel(_ slice: ArraySlice<UInt8>) -> Bool {
            slice.contains { "aeiouy".utf8.contains($0) }
        }

        // Plurals.
        if ends("sses") {
            chars.removeLast(2)
        } else if ends("ies") {
            chars.removeLast(2) // "ies" → "i", which matches "y" → "i" below
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is") {
            chars.removeLast()
        }

        // Verb endings, only when a real stem with a vowel stays behind.
        var strippedVerbEnding = false
        if ends("ing"), chars.count - 3 >= 3, hasVowel(chars[0 ..< chars.count - 3]) {
            chars.removeLast(3)
            strippedVerbEnding = true
        } else if ends("ed"), !ends("eed"), chars.count - 2 >= 3, hasVowel(chars[0 ..< chars.count - 2]) {
            chars.removeLast(2)
            strippedVerbEnding = true
        }
        if strippedVerbEnding, chars.count >= 3 {
            let last = chars[chars.count - 1]
            if last == chars[chars.count - 2], !"aeiouylsz".utf8.contains(last) {
                chars.removeLast() // "running" → "runn" → "run"
            }
        }

        // Final "y" after a consonant becomes "i"; a final "e" goes ("like" and "liked" meet).
        if chars.count > 3 {
            let last = chars[chars.count - 1]
            if last == UInt8(ascii: "y"), !"aeiou".utf8.contains(chars[chars.count - 2]) {
                chars[chars.count - 1] = UInt8(ascii: "i")
            } else if last == UInt8(ascii: "e") {
                chars.removeLast()
            }
        }
        return true
    }
}
