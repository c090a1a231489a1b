import HTTP
import JSON
import Ledger
import Memory

/// Reading typed fields from a JSON body or the query string, with 4xx answers naming the field.
struct RequestFields {
    let object: JSONObject
    /// "body" or "query", for messages.
    let origin: String

    /// The JSON object body of `context`'s request, whose fields the route reads from `fields`.
    ///
    /// Other fields are ignored, as mem0 clients send some of their own, except one that looks like a
    /// misspelling of a field the route takes (`agentid`, `filter`): dropped without a word, it would make
    /// the request do something other than what was meant.
    /// - Throws: 415 when the body is declared as something other than JSON, 400 when it does not
    ///   parse, 422 when it is not an object or has a misspelt field.
    static func body(_ context: RequestContext, fields: Set<String>, allowEmpty: Bool = false) throws(APIError) -> RequestFields {
        let body = try body(context, allowEmpty: allowEmpty)
        for name in body.object.keys.sorted() where !fields.contains(name) {
            if let meant = NearMiss.meant(name, among: fields) {
                throw .validation("unknown field '\(name)'; did you mean '\(meant)'?")
            }
        }
        return body
    }

    private static func body(_ context: RequestContext, allowEmpty: Bool) throws(APIError) -> RequestFields {
        let request = context.request
        if let type = request.headers["Content-Type"] {
            let media = type.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
            guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
                throw .unsupportedMediaType
            }
        }
        if request.body.isEmpty || request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return RequestFields(object: JSONObject(), origin: "body") }
            throw APIError(422, "validation_error", "the request needs a JSON object body")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(request.body)
        } catch {
            throw APIError(400, "invalid_json", "the body is not valid JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw APIError(422, "validation_error", "the body must be a JSON object, not \(value.typeName)")
        }
        return RequestFields(object: object, origin: "body")
    }

    /// The query parameters of `context`'s request, refusing any name outside `accepted` (and
    /// `metadata.KEY` when `metadataKeys`) and a name given twice with different values: a misspelt or
    /// doubled filter must not silently change an answer.
    /// - Throws: 422 naming the parameter and the ones the path takes.
    static func query(_ context: RequestContext, accepting accepted: Set<String>, metadataKeys: Bool = false) throws(APIError) -> RequestFields {
        var object = JSONObject()
        for (name, value) in context.request.query {
            guard accepted.contains(name) || (metadataKeys && name.hasPrefix("metadata.") && name.count > 9) else {
                if accepted.isEmpty {
                    throw .validation("unknown query parameter '\(name)'; this path takes none: give '\(name)' in the JSON body")
                }
                let hint = NearMiss.meant(name, among: accepted).map { "did you mean '\($0)'? " } ?? ""
                let others = accepted.sorted().joined(separator: ", ") + (metadataKeys ? ", metadata.KEY" : "")
                throw .validation("unknown query parameter '\(name)'; \(hint)this path takes \(others)")
            }
            if let earlier = object[name], earlier != .string(value) {
                throw .validation("query parameter '\(name)' is given twice with different values; give it once")
            }
            object[name] = .string(value)
        }
        return RequestFields(object: object, origin: "query")
    }

    func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    func string(_ key: String) throws(APIError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .string(let s) = value else { throw .validation("'\(key)' must be a string") }
        return s
    }

    /// A non-empty identifier such as `user_id` or `agent_id`.
    func identifier(_ key: String) throws(APIError) -> String? {
        guard let s = try string(key) else { return nil }
        guard !s.isEmpty, s.utf8.count <= 256 else { throw .validation("'\(key)' must be 1 to 256 characters") }
        return s
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        let n: Int64?
        switch value {
        case .int(let i): n = i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: n = Int64(d)
        case .string(let s) where origin == "query": n = Int64(s)
        default: n = nil
        }
        guard let n, n >= range.lowerBound, n <= range.upperBound else {
            throw .validation("'\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(n)
    }

    func double(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        let d: Double?
        switch value {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        case .string(let s) where origin == "query": d = Double(s)
        default: d = nil
        }
        guard let d, d.isFinite, range.contains(d) else {
            throw .validation("'\(key)' must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    /// `integer(key)`, also given as `alias` (another client's name for it), not as both with different values.
    func integer(_ key: String, alias: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        try either(key, alias, try integer(key, in: range), try integer(alias, in: range))
    }

    /// `double(key)`, also given as `alias`, not as both with different values.
    func double(_ key: String, alias: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        try either(key, alias, try double(key, in: range), try double(alias, in: range))
    }

    private func either<T: Equatable>(_ key: String, _ alias: String, _ a: T?, _ b: T?) throws(APIError) -> T? {
        if let a, let b, a != b { throw .validation("'\(key)' and '\(alias)' name the same setting with different values; give one") }
        return a ?? b
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        switch value {
        case .bool(let b): return b
        case .string(let s) where origin == "query":
            if let b = ServerConfiguration.parseBool(s) { return b }
        default: break
        }
        throw .validation("'\(key)' must be true or false")
    }

    func objectValue(_ key: String) throws(APIError) -> JSONObject? {
        guard let value = object[key], !value.isNull else { return nil }
        if case .object(let o) = value { return o }
        if origin == "query", case .string(let s) = value, let parsed = try? JSONValue.parse(s), case .object(let o) = parsed { return o }
        throw .validation("'\(key)' must be a JSON object")
    }

    func timestamp(_ key: String) throws(APIError) -> Timestamp? {
        guard let s = try string(key) else { return nil }
        if let t = Timestamp(rfc3339: s) { return t }
        // An unescaped `+` of an offset arrives as a space (`…:00 01:00`); no other space can stand there.
        if origin == "query", s.utf8.count > 19, let t = Timestamp(rfc3339: Self.offsetPlusRestored(s)) { return t }
        throw .validation("'\(key)' must be an RFC 3339 time such as 2026-01-31T12:00:00.000Z")
    }

    /// `s` with a space after the time of day read as the `+` it was before URL decoding.
    private static func offsetPlusRestored(_ s: String) -> String {
        var bytes = Array(s.utf8)
        for i in 19..<bytes.count where bytes[i] == 0x20 { bytes[i] = UInt8(ascii: "+") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The filter keys a body may also nest in a `filters` object.
    static let filterKeys: Set<String> = [
        "user_id", "agent_id", "run_id", "metadata", "created_after", "created_before", "updated_after", "updated_before",
    ]

    /// An identifier a change may give in its body (`self`) or its query (DELETE has no body), such as
    /// `user_id` and `agent_id`.
    /// - Throws: 422 when the two differ.
    func identifier(_ key: String, orIn query: RequestFields) throws(APIError) -> String? {
        let inBody = try identifier(key)
        let inQuery = try query.identifier(key)
        if let inBody, let inQuery, inBody != inQuery {
            throw .validation("'\(key)' is given in the body and the query with different values; give it once")
        }
        return inBody ?? inQuery
    }

    /// These fields with a `filters` object folded in, the shape mem0 clients send
    /// (`{"query": …, "filters": {"agent_id": …, "topic": …}}`): a filter key there counts as given at the
    /// top level, `metadata` merges, and any other key is a metadata equality, as in the MCP tool. A key
    /// given twice with different values is refused rather than one silently winning.
    func foldingFilters() throws(APIError) -> RequestFields {
        guard let nested = try objectValue("filters") else { return self }
        var object = self.object
        object["filters"] = nil
        var metadata = try objectValue("metadata") ?? JSONObject()
        func put(_ name: String, _ value: JSONValue, into target: inout JSONObject, as label: String) throws(APIError) {
            if let existing = target[name], !existing.isNull, existing != value {
                throw .validation("'\(label)' is given twice with different values (at the top level and in 'filters')")
            }
            target[name] = value
        }
        for (key, value) in nested where !value.isNull {
            // Any other key is a metadata equality, so a misspelt filter would match nothing without a word.
            if !Self.filterKeys.contains(key), key != "metadata", let meant = NearMiss.meant(key, among: Self.filterKeys) {
                throw .validation(
                    "'filters.\(key)' looks like a misspelling of '\(meant)'; for a metadata key of that name use 'filters.metadata.\(key)'")
            }
            if key == "metadata" {
                guard case .object(let inner) = value else { throw .validation("'filters.metadata' must be a JSON object") }
                for (name, v) in inner { try put(name, v, into: &metadata, as: "metadata.\(name)") }
            } else if Self.filterKeys.contains(key) {
                try put(key, value, into: &object, as: key)
            } else {
                try put(key, value, into: &metadata, as: "metadata.\(key)")
            }
        }
        if !metadata.isEmpty { object["metadata"] = .object(metadata) }
        return RequestFields(object: object, origin: origin)
    }

    /// The memory filters: `agent_id`, `run_id`, `metadata` (an object, or `metadata.KEY=value` in a
    /// query), and the created/updated time bounds.
    func filter() throws(APIError) -> MemoryFilter {
        var metadata = try objectValue("metadata") ?? JSONObject()
        if origin == "query" {
            for (key, value) in object where key.hasPrefix("metadata.") && key.count > 9 {
                metadata[String(key.dropFirst(9))] = value
            }
        }
        for (key, value) in metadata {
            switch value {
            case .array, .object: throw .validation("metadata filter '\(key)' must be a string, number, boolean or null")
            default: break
            }
        }
        return MemoryFilter(
            agentID: try identifier("agent_id"), runID: try identifier("run_id"), metadata: metadata,
            createdAfter: try timestamp("created_after"), createdBefore: try timestamp("created_before"),
            updatedAfter: try timestamp("updated_after"), updatedBefore: try timestamp("updated_before"))
    }
}
