import Foundation
import Testing
@testable import JSON

/// Inputs a strict RFC 8259 parser must accept (after JSONTestSuite's `y_` cases).
let acceptedDocuments: [String] = [
    "[[]   ]", "[\"\"]", "[]", "[\"a\"]", "[false]", "[null, 1, \"1\", {}]", "[null]", "[1\n]",
    " [1]", "[1,null,null,null,2]", "[2] ", "[123e65]", "[0e+1]", "[0e1]", "[ 4]", "[1E22]",
    "[-0]", "[-123]", "[-1]", "[1.5e+9999999999999999999999]".replacingOccurrences(of: "9999999999999999999999", with: "2"),
    "[1E-2]", "[1e+2]", "[123.456e78]", "[123]", "[123.456789]", "{\"asd\":\"sdf\", \"dfg\":\"fgh\"}",
    "{\"a\":\"b\",\"a\":\"c\"}", "{\"\":0}", "{\"foo\\u0000bar\": 42}", "{ \"min\": -1.0e+28, \"max\": 1.0e+28 }",
    "{\"x\":[{\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}], \"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
    "{\"a\":[]}", "{\"title\":\"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430 \\u0417\\u0435\\u043c\\u043b\\u0435\\u043a\\u043e\\u043f\\u0430\" }",
    "[\"\\u0060\\u012a\\u12AB\"]", "[\"\\uD801\\udc37\"]", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"\\\\u0000\"]",
    "[\"asd \"]", "[\"a/*b*/c/*d//e\"]", "[\"\\u0012\"]", "[\"\\uFFFF\"]", "[\"\\uDBFF\\uDFFF\"]", "[\"€𝄞\"]",
    "[\"\u{7F}\"]", "\"asd\"", "42", "-0.1", "null", "true", "false", " \t\r\n[] \t\r\n", "{\"a\":null}",
    "[9223372036854775807]", "[-9223372036854775808]", "[9223372036854775808]",
]

/// Inputs a strict parser must reject (after JSONTestSuite's `n_` cases), with the expected code.
let rejectedDocuments: [(String, JSONParseError.Code)] = [
    ("", .unexpectedEnd), (" ", .unexpectedEnd), ("[1 true]", .unexpectedCharacter), ("[a\u{E5}]", .unexpectedCharacter),
    ("[\"\": 1]", .unexpectedCharacter), ("[\"\"],", .trailingCharacters), ("[,1]", .unexpectedCharacter),
    ("[1,,2]", .unexpectedCharacter), ("[\"x\",,]", .unexpectedCharacter), ("[\"x\"]]", .trailingCharacters),
    ("[\"\",]", .unexpectedCharacter), ("[1,]", .unexpectedCharacter), ("[1", .unexpectedEnd), ("[", .unexpectedEnd),
    ("[\"a\"", .unexpectedEnd), ("[\"a", .unexpectedEnd), ("{\"a\":1,}", .unexpectedCharacter),
    ("{\"a\" 1}", .unexpectedCharacter), ("{a:1}", .unexpectedCharacter), ("{'a':1}", .unexpectedCharacter),
    ("{1:1}", .unexpectedCharacter), ("{\"a\":\"a\" 123}", .unexpectedCharacter), ("{\"a\"", .unexpectedEnd),
    ("[tru]", .invalidLiteral), ("[nul]", .invalidLiteral), ("[True]", .unexpectedCharacter), ("[truth]", .invalidLiteral), ("[truex]", .unexpectedCharacter),
    ("[01]", .unexpectedCharacter), ("[-01]", .unexpectedCharacter), ("[1.]", .invalidNumber), ("[.1]", .unexpectedCharacter),
    ("[1e]", .invalidNumber), ("[1e+]", .invalidNumber), ("[+1]", .unexpectedCharacter), ("[-]", .invalidNumber),
    ("[0x1]", .unexpectedCharacter), ("[NaN]", .unexpectedCharacter), ("[Infinity]", .unexpectedCharacter),
    ("[-Infinity]", .invalidNumber), ("[1e400]", .numberOutOfRange), ("[-1.0e99999]", .numberOutOfRange),
    ("[\"\\x00\"]", .invalidEscape), ("[\"\\a\"]", .invalidEscape), ("[\"\\u00G0\"]", .invalidEscape),
    ("[\"\\uD800\"]", .loneSurrogate), ("[\"\\uDC00\"]", .loneSurrogate), ("[\"\\uD800\\u0041\"]", .loneSurrogate),
    ("[\"\\uD800x\"]", .loneSurrogate), ("[\"\\uD834\\uDD\"]", .invalidEscape), ("[\"a\tb\"]", .controlCharacter),
    ("[\"a\nb\"]", .controlCharacter), ("\u{FEFF}{}", .unexpectedCharacter), ("[1]x", .trailingCharacters),
    ("{}}", .trailingCharacters), ("[]\u{0}", .trailingCharacters), ("/* c */ []", .unexpectedCharacter), ("'single'", .unexpectedCharacter),
]

@Test(arguments: acceptedDocuments)
func acceptsValidDocument(_ text: String) throws {
    _ = try JSONValue.parse(Array(text.utf8))
}

@Test(arguments: rejectedDocuments)
func rejectsInvalidDocument(_ text: String, _ code: JSONParseError.Code) {
    #expect {
        _ = try JSONValue.parse(Array(text.utf8))
    } throws: { error in
        (error as? JSONParseError)?.code == code
    }
}

/// Invalid UTF-8 byte sequences inside strings (JSONTestSuite `n_string_invalid_utf8`, overlongs, surrogates).
@Test(arguments: [
    [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    [0xF5, 0x80, 0x80, 0x80], [0xE6, 0x88], [0x80], [0xC3], [0xF0, 0x9F, 0xA5],
] as [[UInt8]])
func rejectsInvalidUTF8(_ sequence: [UInt8]) throws {
    let document: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "a")] + sequence + [UInt8(ascii: "\""), UInt8(ascii: "]")]
    let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(document) }
    #expect(error.code == .invalidUTF8)
    #expect(error.offset == 3)
}

@Test func invalidUTF8OutsideStringsIsRejected() {
    #expect(throws: JSONParseError.self) { try JSONValue.parse([0xEF, 0xBB, 0xBF, UInt8(ascii: "1")]) }
    #expect(throws: JSONParseError.self) { try JSONValue.parse([UInt8(ascii: "["), 0xC3, 0xA9, UInt8(ascii: "]")]) }
}

@Test func errorsCarryOffsetAndMessageWithoutContent() throws {
    let error = try #require(throws: JSONParseError.self) { try JSONValue.parse("{\"secret-token\": tru}") }
    #expect(error.code == .invalidLiteral)
    #expect(error.offset == 17)
    #expect(error.message.contains("byte 17"))
    #expect(!error.message.contains("secret"))
}

@Test func numbersKeepIntegersExact() throws {
    #expect(try JSONValue.parse("9223372036854775807") == .int(.max))
    #expect(try JSONValue.parse("-9223372036854775808") == .int(.min))
    #expect(try JSONValue.parse("9223372036854775808") == .double(9223372036854775808))
    #expect(try JSONValue.parse("-0") == .int(0))
    #expect(try JSONValue.parse("1.0") == .double(1))
    #expect(try JSONValue.parse("1E2") == .double(100))
    #expect(try JSONValue.parse("123.456e-2") == .double(1.23456))
    #expect(try JSONValue.parse("5e-324") == .double(.leastNonzeroMagnitude))
    #expect(try JSONValue.parse("[0,-7,42]") == [0, -7, 42])
}

@Test func rfc8259ObjectExample() throws {
    // RFC 8259 §13, first example.
    let text = """
    {
      "Image": {
          "Width":  800,
          "Height": 600,
          "Title":  "View from 15th Floor",
          "Thumbnail": {
              "Url":    "http://www.example.com/image/481989943",
              "Height": 125,
              "Width":  100
          },
          "Animated" : false,
          "IDs": [116, 943, 234, 38793]
        }
    }
    """
    let value = try JSONValue.parse(text)
    #expect(value["Image"]?["Width"] == 800)
    #expect(value["Image"]?["Title"]?.stringValue == "View from 15th Floor")
    #expect(value["Image"]?["Thumbnail"]?["Url"] == "http://www.example.com/image/481989943")
    #expect(value["Image"]?["Animated"]?.boolValue == false)
    #expect(value["Image"]?["IDs"]?[3]?.intValue == 38793)
    #expect(value["Image"]?.objectValue?.keys == ["Width", "Height", "Title", "Thumbnail", "Animated", "IDs"])
}

@Test func rfc8259ArrayExampleAndScalars() throws {
    // RFC 8259 §13, second example, then the three scalar texts.
    let text = """
    [
      {
         "precision": "zip",
         "Latitude":  37.7668,
         "Longitude": -122.3959,
         "Address":   "",
         "City":      "SAN FRANCISCO",
         "State":     "CA",
         "Zip":       "94107",
         "Country":   "US"
      },
      {
         "precision": "zip",
         "Latitude":  37.371991,
         "Longitude": -122.026020,
         "Address":   "",
         "City":      "SUNNYVALE",
         "State":     "CA",
         "Zip":       "94085",
         "Country":   "US"
      }
    ]
    """
    let value = try JSONValue.parse(text)
    #expect(value.arrayValue?.count == 2)
    #expect(value[1]?["Longitude"]?.doubleValue == -122.026020)
    #expect(value[0]?["Address"] == "")
    #expect(try JSONValue.parse("\"Hello world!\"") == "Hello world!")
    #expect(try JSONValue.parse("42") == 42)
    #expect(try JSONValue.parse("true") == true)
}

@Test func escapesDecode() throws {
    #expect(try JSONValue.parse("\"\\uD83E\\uDD5C\"") == "🥜")
    #expect(try JSONValue.parse("\"\\ud83d\\ude00 ok\"") == "😀 ok")
    #expect(try JSONValue.parse("\"\\u00e9\\u6211\"") == "é我")
    #expect(try JSONValue.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"") == "a\"b\\c/d\u{8}\u{C}\n\r\t")
    #expect(try JSONValue.parse("\"\\u0000\"") == "\u{0}")
    #expect(try JSONValue.parse("\"我对坚果过敏 🥜 Zoë\"") == "我对坚果过敏 🥜 Zoë")
}

@Test func duplicateKeysKeepLastValueAtFirstPosition() throws {
    let value = try JSONValue.parse("{\"a\":1,\"b\":2,\"a\":3}")
    #expect(value.objectValue?.keys == ["a", "b"])
    #expect(value["a"] == 3)
}

@Test func depthLimit() throws {
    let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    #expect(throws: Never.self) { try JSONValue.parse(ok) }
    let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
    let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(tooDeep) }
    #expect(error.code == .depthLimitExceeded)
    let objects = String(repeating: "{\"a\":", count: 5) + "1" + String(repeating: "}", count: 5)
    #expect(throws: JSONParseError.self) { try JSONValue.parse(objects, maxDepth: 4) }
    #expect(throws: Never.self) { try JSONValue.parse(objects, maxDepth: 5) }
    // A hostile document deep enough to overflow a naive recursive parser fails cleanly.
    let hostile = String(repeating: "[", count: 100_000)
    #expect(throws: JSONParseError.self) { try JSONValue.parse(hostile) }
}

@Test func parsesNonContiguousCollections() throws {
    let bytes = Array("{\"k\":[1,2]}".utf8)
    let value = try JSONValue.parse(bytes.lazy.map { $0 })
    #expect(value == ["k": [1, 2]])
    #expect(try JSONValue.parse(bytes[5...9]) == [1, 2])
}

@Test func largeObjectsKeepOrderAndResolveDuplicates() throws {
    let members = (0..<30).map { "\"k\($0)\":\($0)" } + ["\"k3\":\"again\"", "\"k29\":null"]
    let value = try JSONValue.parse("{" + members.joined(separator: ",") + "}")
    let object = try #require(value.objectValue)
    #expect(object.count == 30)
    #expect(object.keys == (0..<30).map { "k\($0)" })
    #expect(object["k3"] == "again")
    #expect(object["k29"] == .null)
    #expect(object["k28"] == 28)
    // Nested containers inside a large object come back intact.
    let nested = try JSONValue.parse("[{\"a\":[1,{\"b\":[2,3]}],\"c\":{}},[[],[4]]]")
    #expect(nested == [["a": [1, ["b": [2, 3]]], "c": [:]], [[], [4]]])
}
