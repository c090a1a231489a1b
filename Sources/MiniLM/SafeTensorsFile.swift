import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a `.safetensors` file and its parsed header.
///
/// The format is an 8-byte little-endian header length, a JSON object mapping tensor names to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the header),
/// then the raw little-endian tensor bytes; see https://github.com/huggingface/safetensors.
/// Mapping instead of reading keeps the 47 MB word-embedding table out of memory except for the
/// rows actually looked up.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ` and never changes after `init`.
final class SafeTensorsFile: @unchecked Sendable {
    /// Where one tensor lives in the file.
    struct Tensor: Sendable {
        let dataType: String
        let shape: [Int]
        /// Absolute byte range within the file.
        let bytes: Range<Int>
    }

    let path: String
    let tensors: [String: Tensor]
    private let base: UnsafeRawPointer
    private let length: Int

    /// Maps the file and validates the header against the file size.
    ///
    /// - Throws: `MiniLMError` with `.missingFile`, `.unreadableFile` or `.badSafetensorsHeader`.
    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            throw MiniLMError(code == ENOENT ? .missingFile : .unreadableFile, file: path,
                              detail: code == ENOENT ? "" : String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw MiniLMError(.unreadableFile, file: path, detail: String(cString: strerror(errno)))
        }
        let length = Int(status.st_size)
        guard length >= 8 else {
            throw MiniLMError(.badSafetensorsHeader, file: path, detail: "file is \(length) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw MiniLMError(.unreadableFile, file: path, detail: "mmap: \(String(cString: strerror(errno)))")
        }
        let base = UnsafeRawPointer(mapped)
        do {
            tensors = try Self.parseHeader(base: base, length: length, path: path)
        } catch {
            munmap(mapped, length)
            throw error
        }
        self.base = base
        self.length = length
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    private static func parseHeader(base: UnsafeRawPointer, length: Int, path: String) throws -> [String: Tensor] {
        func bad(_ detail: String) -> MiniLMError { MiniLMError(.badSafetensorsHeader, file: path, detail: detail) }
        var headerLength: UInt64 = 0
        withUnsafeMutableBytes(of: &headerLength) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: 8)) }
        headerLength = UInt64(littleEndian: headerLength)
        guard headerLength <= UInt64(length - 8), headerLength <= 100_000_000 else {
            throw bad("header length \(headerLength) does not fit a \(length)-byte file")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = Data(bytes: base + 8, count: Int(headerLength))
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes), let entries = object as? [String: Any] else {
            throw bad("header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in entries where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dataType = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap(Self.integer), let offsets = (entry["data_offsets"] as? [Any])?.compactMap(Self.integer),
                  shape.count == (entry["shape"] as? [Any])?.count, offsets.count == 2 else {
                throw bad("entry \(name) lacks a dtype, shape or data_offsets")
            }
            let begin = dataStart + offsets[0]
            let end = dataStart + offsets[1]
            guard offsets[0] >= 0, offsets[0] <= offsets[1], end <= length, shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor \(name) has data offsets \(offsets) outside the file")
            }
            if let size = Self.elementSize(dataType), shape.reduce(1, *) * size != end - begin {
                throw bad("tensor \(name) of shape \(shape) and type \(dataType) needs \(shape.reduce(1, *) * size) bytes, has \(end - begin)")
            }
            tensors[name] = Tensor(dataType: dataType, shape: shape, bytes: begin..<end)
        }
        return tensors
    }

    private static func integer(_ value: Any) -> Int? {
        (value as? NSNumber).flatMap { Int(exactly: $0.doubleValue) }
    }

    private static func elementSize(_ dataType: String) -> Int? {
        switch dataType {
        case "F64", "I64", "U64": 8
        case "F32", "I32", "U32": 4
        case "F16", "BF16", "I16", "U16": 2
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": 1
        default: nil
        }
    }

    /// Looks up an F32 tensor and checks its shape.
    ///
    /// - Throws: `.missingTensor`, `.unsupportedDataType` or `.shapeMismatch`.
    func float32Tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw MiniLMError(.missingTensor, file: path, detail: name)
        }
        guard tensor.dataType == "F32" else {
            throw MiniLMError(.unsupportedDataType, file: path, detail: "\(name) is \(tensor.dataType), expected F32")
        }
        guard tensor.shape == shape else {
            throw MiniLMError(.shapeMismatch, file: path, detail: "\(name) has shape \(tensor.shape), expected \(shape)")
        }
        return tensor
    }

    /// Copies an F32 tensor into a new aligned buffer (the file gives no alignment guarantee).
    func copyFloats(_ name: String, shape: [Int]) throws -> FloatBuffer {
        let tensor = try float32Tensor(name, shape: shape)
        let buffer = FloatBuffer(count: shape.reduce(1, *))
        UnsafeMutableRawPointer(buffer.pointer).copyMemory(from: base + tensor.bytes.lowerBound, byteCount: tensor.bytes.count)
        return buffer
    }

    /// The mapped F32 data of a tensor, without copying, when it is 4-byte aligned in memory;
    /// `nil` otherwise. The pointer lives as long as this object.
    func mappedFloats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float>? {
        let tensor = try float32Tensor(name, shape: shape)
        let start = base + tensor.bytes.lowerBound
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return start.assumingMemoryBound(to: Float.self)
    }
}
