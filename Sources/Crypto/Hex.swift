private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

extension Collection<UInt8> {
    /// The bytes as lowercase hexadecimal, two digits per byte (how digests appear in exports and
    /// `verify` output).
    public var hexString: String {
        var digits = [UInt8]()
        digits.reserveCapacity(count * 2)
        for byte in self {
            digits.append(hexDigits[Int(byte >> 4)])
            digits.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// Parses hexadecimal text (either case, no separators or `0x` prefix) into bytes.
/// - Returns: the bytes, or `nil` when the length is odd or a character is not a hex digit.
public func bytes(fromHex hex: String) -> [UInt8]? {
    let utf8 = hex.utf8
    guard utf8.count % 2 == 0 else { return nil }
    var result = [UInt8]()
    result.reserveCapacity(utf8.count / 2)
    var high: UInt8? = nil
    for character in utf8 {
        let nibble: UInt8
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
        default: return nil
        }
        if let first = high {
            result.append(first << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    return result
}
