extension JSONValue {
    /// The compact JSON text of this value as UTF-8 bytes.
    ///
    /// Non-ASCII text and `/` are written as they are (an emoji stays four UTF-8 bytes); only `"`,
    /// `\` and control characters are escaped. Doubles use Swift's shortest round-trip form;
    /// NaN and infinities, which JSON cannot express, become `null`.
    /// - Parameter sortedKeys: order object members by key (bytewise UTF-8) instead of insertion
    ///   order. Either way the output is deterministic.
    public func serialized(sortedKeys: Bool = true) -> [UInt8] {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        writer.write(self)
        return writer.output
    }

    /// The compact JSON text of this value; see ``serialized(sortedKeys:)``.
    public func serializedString(sortedKeys: Bool = true) -> String {
        String(decoding: serialized(sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Appends the JSON text of this value to `output`, for callers assembling larger documents.
    public func serialize(into output: inout [UInt8], sortedKeys: Bool = true) {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        swap(&writer.output, &output)
        writer.write(self)
        swap(&writer.output, &output)
    }
}

/// Appends JSON text to a byte buffer.
struct JSONWriter {
    var output: [UInt8] = []
    let sortedKeys: Bool

    init(sortedKeys: Bool) {
        self.sortedKeys = sortedKeys
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            append("null")
        case .bool(let flag):
            append(flag ? "true" : "false")
        case .int(let number):
            writeInteger(number)
        case .double(let number):
            writeDouble(number)
        case .string(let text):
            writeString(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            if sortedKeys && object.count > 1 {
                for (n, i) in object.sortedPositions().enumerated() {
                    if n > 0 { output.append(UInt8(ascii: ",")) }
                    writeMember(object.keys[i], object.values[i])
                }
            } else {
                for i in 0..<object.count {
                    if i > 0 { output.append(UInt8(ascii: ",")) }
                    writeMember(object.keys[i], object.values[i])
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeMember(_ key: String, _ value: JSONValue) {
        writeString(key)
        output.append(UInt8(ascii: ":"))
        write(value)
    }

    private mutating func append(_ literal: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private mutating func writeInteger(_ number: Int64) {
        if number == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        // Work in the negative range so Int64.min needs no special case.
        var remaining = number < 0 ? number : -number
        if number < 0 { output.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining != 0 {
                let (quotient, remainder) = remaining.quotientAndRemainder(dividingBy: 10)
                buffer[count] = UInt8(ascii: "0") + UInt8(-remainder)
                count += 1
                remaining = quotient
            }
            for i in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[i]) }
        }
    }

    private mutating func writeDouble(_ number: Double) {
        guard number.isFinite else {
            append("null")
            return
        }
        // Swift's description is the shortest text that round-trips, and always valid JSON for
        // finite values ("1.0", "1e-05", "1e+16", "5e-324").
        output.append(contentsOf: number.description.utf8)
    }

    private mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { buffer in
            writeEscaped(buffer)
        }
        if done == nil {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { writeEscaped($0) }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one go (RFC 8259 §7).
    private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for i in 0..<bytes.count {
            let byte = bytes[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < i { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]])
            }
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }
}
