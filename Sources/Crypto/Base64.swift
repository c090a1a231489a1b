/// Standard base64 with padding (RFC 4648 §4), as written in export files.
public enum Base64 {
    /// Encodes `bytes` with the `+/` alphabet and `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.standard.encode(bytes)
    }

    /// Decodes padded standard base64.
    /// - Returns: the bytes, or `nil` for missing padding, characters outside the alphabet
    ///   (whitespace included) or non-zero unused trailing bits.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.standard.decode(text)
    }
}
