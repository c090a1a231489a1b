import Testing
import Crypto

@Suite("Base64 and Base64URL")
struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    static let rfcVectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: rfcVectors)
    func standardVectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: rfcVectors)
    func urlVectorsWithAndWithoutPadding(plain: String, encoded: String) {
        let unpadded = String(encoded.filter { $0 != "=" })
        #expect(Base64URL.encode(Array(plain.utf8)) == unpadded)
        #expect(Base64URL.decode(unpadded) == Array(plain.utf8))
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func alphabetsDiffer() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("+/+/") == nil)
        #expect(Base64.decode("-_-_") == nil)
    }

    @Test func roundTripsEveryLength() {
        for length in 0...70 {
            let bytes = SecureRandom.bytes(length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes, "length \(length)")
            #expect(Base64.decode(Base64.encode(bytes)) == bytes, "length \(length)")
            #expect(!Base64URL.encode(bytes).contains("="))
            #expect(Base64.encode(bytes).count % 4 == 0)
        }
    }

    @Test(arguments: [
        "Z",          // no encoding has length 1 mod 4
        "Zm9vY",      // same, after whole groups
        "Zg=",        // partial padding
        "Zg===",      // too much padding
        "=Zg=",       // padding at the start
        "Zg==Zg==",   // padding in the middle
        "Zh",         // non-zero unused bits: not the canonical encoding of "f"
        "Zm9=",       // same with padding
        "Zm9v!",      // not in the alphabet
        "Zm 9v",      // whitespace
        "Zm9v\n",
        "Zm9vé",      // non-ASCII
        "Zm+v",       // standard alphabet character
    ])
    func urlRejectsBadInput(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test(arguments: ["Zg", "Zm8", "Zg=", "Zh==", "Zm9v!A==", "Zm-v", "Zm9v\n"])
    func standardRejectsBadInput(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
