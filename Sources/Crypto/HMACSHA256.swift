/// HMAC with SHA-256 (RFC 2104, test vectors in RFC 4231).
///
/// Used for keyed digests of secrets (API keys, OAuth tokens) so a stolen database alone does not
/// let anyone check guesses offline. Compare results with `constantTimeEquals`, never `==`.
public enum HMACSHA256 {
    /// Returns the 32-byte HMAC-SHA256 tag of `message` under `key`.
    ///
    /// Keys longer than the 64-byte block are first hashed, shorter ones are zero-padded
    /// (RFC 2104 §2). Truncate the result yourself if a shorter tag is wanted (RFC 2104 §5).
    public static func authenticate(
        message: some Collection<UInt8>,
        key: some Collection<UInt8>
    ) -> [UInt8] {
        var blockKey = key.count > SHA256.blockSize ? SHA256.hash(key) : Array(key)
        blockKey.append(contentsOf: repeatElement(0, count: SHA256.blockSize - blockKey.count))

        var inner = SHA256()
        inner.update(blockKey.map { $0 ^ 0x36 })
        inner.update(message)

        var outer = SHA256()
        outer.update(blockKey.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
