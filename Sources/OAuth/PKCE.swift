import Crypto

/// Proof Key for Code Exchange with `S256` only (RFC 7636; OAuth 2.1 §4.1.1): `plain` and empty
/// challenges are refused.
enum PKCE {
    /// Whether `text` is a well-formed verifier or S256 challenge: 43–128 unreserved characters
    /// (RFC 7636 §4.1). An S256 challenge is always 43 characters of base64url.
    static func isWellFormed(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            }
    }

    /// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
    static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(verifier))
    }

    /// Whether `verifier` answers `challenge`, compared in constant time.
    static func verify(verifier: String, challenge: String) -> Bool {
        guard isWellFormed(verifier) else { return false }
        return constantTimeEquals(Array(Self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }
}
