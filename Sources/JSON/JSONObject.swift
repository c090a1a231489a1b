/// A JSON object that remembers the order its members were inserted in.
///
/// Lookups scan linearly while the object is small (the common case for request bodies and
/// tool arguments, where hashing costs more than comparing a few short keys) and switch to a
/// hash index once it grows past ``indexThreshold`` members.
///
/// Equality and hashing ignore member order, as JSON object semantics do.
public struct JSONObject: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    /// Key → position, built only for large objects.
    private var index: [String: Int]?

    static let indexThreshold = 12

    public init() {
        keys = []
        values = []
        index = nil
    }

    /// Adopts parallel arrays the caller guarantees have distinct keys and at most
    /// `indexThreshold` members (the parser's fast path).
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        self.index = nil
    }

    /// Builds an object from pairs in order; a repeated key keeps its first position and last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds an object from a dictionary, members sorted by key so the result is deterministic.
    public init(_ dictionary: [String: JSONValue]) {
        self.init()
        for key in dictionary.keys.sorted(by: JSONObject.keyPrecedes) { self[key] = dictionary[key] }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key`, if present.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in keys.indices where keys[i] == key { return i }
        return nil
    }

    /// The value for `key`; assigning `nil` removes the member, assigning a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    values[i] = newValue
                } else {
                    append(key, newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Appends a member known not to be present (callers that just checked, or that build fresh objects).
    private mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > JSONObject.indexThreshold {
            var built = [String: Int](minimumCapacity: keys.count * 2)
            for (i, k) in keys.enumerated() { built[k] = i }
            index = built
        }
    }

    /// Removes `key` and returns its value; later members keep their relative order.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = position(of: key) else { return nil }
        keys.remove(at: i)
        let removed = values.remove(at: i)
        if index != nil {
            if keys.count > JSONObject.indexThreshold {
                var built = [String: Int](minimumCapacity: keys.count * 2)
                for (j, k) in keys.enumerated() { built[k] = j }
                index = built
            } else {
                index = nil
            }
        }
        return removed
    }

    /// Returns a copy with `other`'s members set over this one's.
    public func merging(_ other: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in other { result[key] = value }
        return result
    }

    /// The order used for `sortedKeys` output: bytewise on UTF-8, which is fast, total and
    /// independent of locale and Unicode normalisation.
    @inlinable
    public static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Member positions in key order.
    func sortedPositions() -> [Int] {
        keys.indices.sorted { JSONObject.keyPrecedes(keys[$0], keys[$1]) }
    }
}

extension JSONObject: Sequence {
    public typealias Element = (key: String, value: JSONValue)

    public struct Iterator: IteratorProtocol {
        let object: JSONObject
        var position = 0

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < object.keys.count else { return nil }
            defer { position += 1 }
            return (object.keys[position], object.values[position])
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in lhs.keys.indices {
            guard let j = rhs.position(of: lhs.keys[i]), rhs.values[j] == lhs.values[i] else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-member hashes commutatively.
        var combined = 0
        for i in keys.indices {
            var member = Hasher()
            member.combine(keys[i])
            member.combine(values[i])
            combined ^= member.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: CustomStringConvertible {
    public var description: String { JSONValue.object(self).serializedString() }
}
