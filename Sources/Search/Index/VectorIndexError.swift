/// Why a vector could not be stored or used as a query.
public struct VectorIndexError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Storage: Hashable, Sendable {
        case dimensionMismatch(expected: Int, actual: Int)
        case nonFiniteComponent
    }

    private let storage: Storage
    private init(_ storage: Storage) { self.storage = storage }

    /// The vector has `actual` components; the index holds `expected`.
    public static func dimensionMismatch(expected: Int, actual: Int) -> VectorIndexError {
        .init(.dimensionMismatch(expected: expected, actual: actual))
    }
    /// The vector contains NaN or an infinity.
    public static let nonFiniteComponent = VectorIndexError(.nonFiniteComponent)

    public var description: String {
        switch storage {
        case .dimensionMismatch(let expected, let actual): "vector of dimension \(actual), the index holds \(expected)"
        case .nonFiniteComponent: "vector has a component that is NaN or infinite"
        }
    }
}
