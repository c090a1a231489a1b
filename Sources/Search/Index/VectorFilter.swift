/// Which rows a vector search may return.
public enum VectorFilter: Sendable {
    /// Every row.
    case none
    /// Only these ids; ids not in the index are ignored. A small set is scored row by row
    /// instead of scanning the whole index.
    case allowed(Set<Int64>)
    /// Only ids for which the predicate is true; called once per row, so keep it cheap.
    case predicate(@Sendable (Int64) -> Bool)
}
