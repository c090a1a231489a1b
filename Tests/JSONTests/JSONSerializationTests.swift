import Foundation
import Testing
@testable import JSON

@Test func nonASCIIAndSlashAreWrittenUnescaped() throws {
    let value: JSONValue = ["content": "我对坚果过敏 🥜 Zoë", "url": "https://example.com/a/b"]
    let text = value.serializedString()
    #expect(text == "{\"content\":\"我对坚果过敏 🥜 Zoë\",\"url\":\"https://example.com/a/b\"}")
    #expect(value.serialized() == Array(text.utf8))
}

@Test func escapesOnlyQuotesBackslashesAndControls() {
    let value: JSONValue = .string("q\"b\\n\nt\tc\u{1}d\u{1F}e\u{7F}")
    #expect(value.serializedString() == "\"q\\\"b\\\\n\\nt\\tc\\u0001d\\u001fe\u{7F}\"")
    #expect(JSONValue.string("\u{8}\u{C}\r").serializedString() == "\"\\b\\f\\r\"")
}

@Test func keyOrderIsDeterministic() {
    var object = JSONObject()
    object["zeta"] = 1
    object["alpha"] = 2
    object["Émile"] = 3
    object["beta"] = ["y": 1, "x": 2]
    let value = JSONValue.object(object)
    #expect(value.serializedString() == "{\"alpha\":2,\"beta\":{\"x\":2,\"y\":1},\"zeta\":1,\"Émile\":3}")
    #expect(value.serializedString(sortedKeys: false) == "{\"zeta\":1,\"alpha\":2,\"Émile\":3,\"beta\":{\"y\":1,\"x\":2}}")
}

@Test func numbersSerialise() {
    #expect(JSONValue.int(0).serializedString() == "0")
    #expect(JSONValue.int(-42).serializedString() == "-42")
    #expect(JSONValue.int(.max).serializedString() == "9223372036854775807")
    #expect(JSONValue.int(.min).serializedString() == "-9223372036854775808")
    #expect(JSONValue.double(1).serializedString() == "1.0")
    #expect(JSONValue.double(0.1).serializedString() == "0.1")
    #expect(JSONValue.double(-2.5e-7).serializedString() == "-2.5e-07")
    #expect(JSONValue.double(.nan).serializedString() == "null")
    #expect(JSONValue.double(.infinity).serializedString() == "null")
    #expect(JSONValue.double(-.infinity).serializedString() == "null")
}

@Test(arguments: [0.1, 1.0 / 3.0, 1e300, .leastNonzeroMagnitude, -0.0, 123456789.125, 1e16, 2.2250738585072014e-308, .pi])
func doublesRoundTripExactly(_ number: Double) throws {
    let parsed = try JSONValue.parse(JSONValue.double(number).serialized())
    #expect(parsed.doubleValue?.bitPattern == number.bitPattern)
}

@Test func documentsRoundTrip() throws {
    let documents = [
        "{\"a\":[1,2.5,\"x\",null,true,false,{\"b\":{}}],\"c\":\"我对坚果过敏 🥜 Zoë\",\"d\":[]}",
        "[\"\\\"\\\\\\n\",-9223372036854775808,1e+300,\"/\"]",
        "\"\\u0000\"",
    ]
    for text in documents {
        let value = try JSONValue.parse(text)
        let again = try JSONValue.parse(value.serialized())
        #expect(again == value)
        #expect(again.serialized() == value.serialized())
    }
    // Escaped input comes out unescaped but equal.
    let escaped = try JSONValue.parse("[\"\\u6211\\uD83E\\uDD5C\\u002F\"]")
    #expect(escaped.serializedString() == "[\"我🥜/\"]")
}

@Test func serializeIntoAppends() {
    var buffer = Array("prefix:".utf8)
    JSONValue.array([1, "a"]).serialize(into: &buffer)
    #expect(String(decoding: buffer, as: UTF8.self) == "prefix:[1,\"a\"]")
}

@Test func objectSemantics() {
    var object: JSONObject = ["a": 1, "b": 2]
    #expect(object == ["b": 2, "a": 1])
    #expect(object.hashValue == JSONObject(["b": 2, "a": 1]).hashValue)
    object["a"] = nil
    #expect(object.keys == ["b"])
    #expect(object.removeValue(forKey: "missing") == nil)
    // Large objects switch to a hash index; behaviour must not change.
    var large = JSONObject()
    for i in 0..<40 { large["k\(i)"] = .int(Int64(i)) }
    large["k3"] = "three"
    large.removeValue(forKey: "k10")
    #expect(large.count == 39)
    #expect(large["k3"] == "three")
    #expect(large["k39"] == 39)
    #expect(large["k10"] == nil)
    #expect(large.keys.prefix(4) == ["k0", "k1", "k2", "k3"])
    #expect(large.position(of: "k11") == 10)
    #expect(large.merging(["k0": false])["k0"] == false)
}

@Test func accessors() {
    let value: JSONValue = ["n": 10.0, "f": 1.5, "s": "x", "a": [nil], "o": [:], "t": true]
    #expect(value["n"]?.intValue == 10)
    #expect(value["f"]?.intValue == nil)
    #expect(value["f"]?.doubleValue == 1.5)
    #expect(value["s"]?.stringValue == "x")
    #expect(value["s"]?.intValue == nil)
    #expect(value["a"]?[0]?.isNull == true)
    #expect(value["a"]?[1] == nil)
    #expect(value["o"]?.objectValue?.isEmpty == true)
    #expect(value["t"]?.boolValue == true)
    #expect(value["missing"] == nil)
    #expect(value["t"]?.typeName == "boolean")
    #expect(JSONValue.string("x")["k"] == nil)
}

private struct Sample: Codable, Equatable {
    var name: String
    var count: Int
    var ratio: Double
    var tags: [String]
    var extra: JSONValue
}

@Test func codableBridgesFoundationCoders() throws {
    let sample = Sample(name: "Zoë 🥜", count: 3, ratio: 0.5, tags: ["a/b"], extra: ["k": [1, true, nil, "v"]])
    let value = try JSONValue(encoding: sample)
    #expect(value["name"] == "Zoë 🥜")
    #expect(value["count"] == 3)
    #expect(value["extra"]?["k"] == [1, true, nil, "v"])
    #expect(try value.decode(Sample.self) == sample)

    // JSONValue nested in Foundation coding keeps types: integers stay .int, booleans stay .bool.
    let data = try JSONEncoder().encode(["i": 7, "d": 7.5, "b": false, "n": nil, "s": "x"] as JSONValue)
    let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
    #expect(decoded == ["i": 7, "d": 7.5, "b": false, "n": nil, "s": "x"])
}
