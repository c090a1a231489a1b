/// The base64 machinery shared by `Base64` and `Base64URL` (RFC 4648 §4 and §5): only the alphabet
/// and the padding rule differ.
struct Base64Codec: Sendable {
    /// Whether `=` padding is written, and whether it must be present when reading.
    enum Padding: Sendable {
        /// Written, and required on input (length a multiple of 4).
        case required
        /// Not written; accepted on input when complete (length then a multiple of 4).
        case optional
    }

    static let standard = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", padding: .required)
    static let url = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", padding: .optional)

    private static let invalid: UInt8 = 0xff
    private let encodeTable: [UInt8]
    /// Sextet value for each byte, `invalid` for bytes outside the alphabet.
    private let decodeTable: [UInt8]
    private let padding: Padding

    private init(alphabet: String, padding: Padding) {
        encodeTable = Array(alphabet.utf8)
        var decode = [UInt8](repeating: Self.invalid, count: 256)
        for (value, character) in encodeTable.enumerated() {
            decode[Int(character)] = UInt8(value)
        }
        decodeTable = decode
        self.padding = padding
    }

    func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(encodeTable[Int(group >> 18 & 0x3f)])
            output.append(encodeTable[Int(group >> 12 & 0x3f)])
            output.append(encodeTable[Int(group >> 6 & 0x3f)])
            output.append(encodeTable[Int(group & 0x3f)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let second = rest == 2 ? UInt32(input[index + 1]) : 0
            let group = UInt32(input[index]) << 16 | second << 8
            output.append(encodeTable[Int(group >> 18 & 0x3f)])
            output.append(encodeTable[Int(group >> 12 & 0x3f)])
            if rest == 2 { output.append(encodeTable[Int(group >> 6 & 0x3f)]) }
            if padding == .required {
                output.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - rest))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes canonical base64 text: every character in the alphabet, padding only at the end,
    /// and the unused low bits of the last character zero, so each byte string has exactly one
    /// accepted encoding (a token cannot be presented in two spellings).
    func decode(_ text: String) -> [UInt8]? {
        var characters = Array(text.utf8)
        var padCount = 0
        while padCount < 2, characters.last == UInt8(ascii: "=") {
            characters.removeLast()
            padCount += 1
        }
        let paddedLength = characters.count + padCount
        switch padding {
        case .required:
            guard paddedLength % 4 == 0 else { return nil }
        case .optional:
            guard padCount == 0 || paddedLength % 4 == 0 else { return nil }
        }
        let rest = characters.count % 4
        guard rest != 1 else { return nil }
        if padCount > 0, rest == 0 { return nil }

        var output = [UInt8]()
        output.reserveCapacity(characters.count / 4 * 3 + 2)
        var group: UInt32 = 0
        for (position, character) in characters.enumerated() {
            let value = decodeTable[Int(character)]
            guard value != Self.invalid else { return nil }
            group = group << 6 | UInt32(value)
            if position % 4 == 3 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
            }
        }
        switch rest {
        case 2:
            guard group & 0x0f == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard group & 0x03 == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
        return output
    }
}
