/// URL- and filename-safe base64 (RFC 4648 §5), as used in tokens, PKCE (RFC 7636) and JWT-style
/// values that travel in URLs and headers.
public enum Base64URL {
    /// Encodes `bytes` with the `-_` alphabet and no padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.url.encode(bytes)
    }

    /// Decodes base64url with or without complete `=` padding.
    /// - Returns: the bytes, or `nil` for characters outside the alphabet (including `+` and `/`),
    ///   a length no encoding can have, partial padding or non-zero unused trailing bits.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.url.decode(text)
    }
}
