/// Vectors are stored as little-endian IEEE 754 single-precision floats, one after another.
enum VectorCodec {
    /// The 4-byte little-endian window dimension that starts an embedding-cache entry.
    static func dimensionHeader(_ dimension: Int) -> [UInt8] { withUnsafeBytes(of: Int32(dimension).littleEndian) { Array($0) } }

    /// Several equally long vectors (the windows of one document) one after another.
    static func encode(windows: [[Float]]) -> [UInt8] { windows.flatMap(encode) }

    static func decode(windows bytes: UnsafeRawBufferPointer, dimension: Int) -> [[Float]] {
        let all = decode(bytes)
        guard dimension > 0, all.count % dimension == 0 else { return [] }
        return stride(from: 0, to: all.count, by: dimension).map { Array(all[$0..<($0 + dimension)]) }
    }

    static func encode(_ vector: [Float]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / 4
        return (0..<count).map { i in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        }
    }
}
