import JSON

/// Checks tool arguments against the subset of JSON Schema our tools use, so a model gets an
/// actionable `isError` result (SEP-1303) instead of a handler failing on a missing field.
///
/// Supported keywords: `type` (string or list), `required`, `properties`, `additionalProperties:
/// false`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength`, `items`. Others are ignored.
/// Problems name the argument and the expectation, never the value, which may be private.
enum MCPArgumentValidator {
    /// Every problem found, in a stable order; empty when the arguments conform.
    static func problems(in arguments: JSONObject, schema: JSONValue) -> [String] {
        var problems: [String] = []
        checkObject(arguments, schema: schema, path: "", into: &problems)
        return problems
    }

    /// A one-line summary of the expected arguments, e.g. `content (string, required), limit (integer)`.
    static func signature(of schema: JSONValue) -> String {
        guard let properties = schema["properties"]?.objectValue, !properties.isEmpty else { return "no arguments" }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return properties.map { name, property in
            var parts: [String] = []
            if let type = typeDescription(property["type"]) { parts.append(type) }
            if required.contains(name) { parts.append("required") }
            return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ", ")))"
        }.joined(separator: ", ")
    }

    private static func checkObject(_ object: JSONObject, schema: JSONValue, path: String, into problems: inout [String]) {
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            let present = object[name].map { !$0.isNull || allows("null", properties[name]?["type"]) } ?? false
            if !present {
                var problem = "missing required argument '\(path)\(name)'"
                if let type = typeDescription(properties[name]?["type"]) { problem += " (\(type))" }
                problems.append(problem)
            }
        }
        for (name, value) in object {
            if let property = properties[name] {
                check(value, schema: property, name: path + name, into: &problems)
            } else if schema["additionalProperties"] == false {
                let hint = NearMiss.meant(name, among: properties.map(\.key)).map { "; did you mean '\(path)\($0)'?" } ?? ""
                problems.append("unknown argument '\(path)\(name)'\(hint)")
            }
        }
    }

    private static func check(_ value: JSONValue, schema: JSONValue, name: String, into problems: inout [String]) {
        if let type = schema["type"], !conforms(value, to: type) {
            problems.append("'\(name)' must be \(article(typeDescription(type) ?? "valid")), got \(value.typeName)")
            return
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(where: { equalAsJSON($0, value) }) {
            let listed = options.map { $0.stringValue ?? $0.serializedString() }.joined(separator: ", ")
            problems.append("'\(name)' must be one of: \(listed)")
        }
        if let number = value.doubleValue {
            if let minimum = schema["minimum"]?.doubleValue, number < minimum {
                problems.append("'\(name)' must be at least \(format(schema["minimum"]!))")
            }
            if let maximum = schema["maximum"]?.doubleValue, number > maximum {
                problems.append("'\(name)' must be at most \(format(schema["maximum"]!))")
            }
        }
        if let text = value.stringValue {
            if let minimum = schema["minLength"]?.intValue, text.count < minimum {
                problems.append(minimum == 1 ? "'\(name)' must not be empty" : "'\(name)' must have at least \(minimum) characters")
            }
            if let maximum = schema["maxLength"]?.intValue, text.count > maximum {
                problems.append("'\(name)' must have at most \(maximum) characters")
            }
        }
        if let elements = value.arrayValue, let items = schema["items"] {
            for (index, element) in elements.enumerated() {
                check(element, schema: items, name: "\(name)[\(index)]", into: &problems)
            }
        }
        if let object = value.objectValue, schema["properties"] != nil || schema["required"] != nil || schema["additionalProperties"] == false {
            checkObject(object, schema: schema, path: name + ".", into: &problems)
        }
    }

    private static func conforms(_ value: JSONValue, to type: JSONValue) -> Bool {
        if let name = type.stringValue { return conforms(value, toTypeNamed: name) }
        if let names = type.arrayValue { return names.contains { $0.stringValue.map { conforms(value, toTypeNamed: $0) } ?? false } }
        return true
    }

    private static func conforms(_ value: JSONValue, toTypeNamed name: String) -> Bool {
        switch name {
        case "string": return value.stringValue != nil
        case "integer": return value.intValue != nil
        case "number": return value.doubleValue != nil
        case "boolean": return value.boolValue != nil
        case "array": return value.arrayValue != nil
        case "object": return value.objectValue != nil
        case "null": return value.isNull
        default: return true
        }
    }

    private static func allows(_ typeName: String, _ type: JSONValue?) -> Bool {
        guard let type else { return false }
        if let name = type.stringValue { return name == typeName }
        return type.arrayValue?.contains(.string(typeName)) ?? false
    }

    /// Integers and integral doubles compare equal, as JSON Schema says `1` and `1.0` are.
    private static func equalAsJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    private static func typeDescription(_ type: JSONValue?) -> String? {
        if let name = type?.stringValue { return name }
        if let names = type?.arrayValue?.compactMap(\.stringValue), !names.isEmpty { return names.joined(separator: " or ") }
        return nil
    }

    private static func article(_ type: String) -> String {
        guard let first = type.first else { return type }
        return ("aeiou".contains(first) ? "an " : "a ") + type
    }

    private static func format(_ number: JSONValue) -> String {
        if let integer = number.intValue { return String(integer) }
        return number.serializedString()
    }
}
