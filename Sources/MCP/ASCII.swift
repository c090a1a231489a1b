/// Header names and tokens are ASCII and compare case-insensitively (RFC 9110 §5.1); these
/// helpers avoid Foundation's locale-aware case mapping.
func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lowerASCII($0) == lowerASCII($1) }
}

func lowerASCII(_ byte: UInt8) -> UInt8 {
    (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte + 32 : byte
}

func lowercasedASCII(_ text: String) -> String {
    String(decoding: text.utf8.map(lowerASCII), as: UTF8.self)
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP optional whitespace).
    func trimmingASCIISpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
