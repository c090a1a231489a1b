/// The name someone most likely meant when they typed one that does not exist: `agentid` or `agent`
/// for `agent_id`, `filter` for `filters`, `--agnet` for `--agent`.
public enum NearMiss {
    /// The closest of `names` to `typed`, or nil when none is close: equal but for case, `_` and `-`;
    /// one a prefix or suffix of the other (three characters at least, three more at most); or one or two edits away (a
    /// swap of neighbours counts as one), one for names of up to five characters.
    public static func meant(_ typed: String, among names: some Sequence<String>) -> String? {
        let t = normalized(typed)
        guard !t.isEmpty else { return nil }
        var best: (name: String, cost: Int)?
        for name in names.sorted() {
            let n = normalized(name)
            let cost: Int
            if n == t {
                cost = 0
            } else if min(n.count, t.count) >= 3, abs(n.count - t.count) <= 3,
                n.hasPrefix(t) || t.hasPrefix(n) || n.hasSuffix(t) || t.hasSuffix(n)
            {
                cost = 1
            } else {
                let distance = editDistance(Array(t), Array(n))
                guard distance <= (min(n.count, t.count) <= 5 ? 1 : 2) else { continue }
                cost = distance
            }
            if best == nil || cost < best!.cost { best = (name, cost) }
        }
        return best?.name
    }

    private static func normalized(_ s: String) -> String {
        String(s.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." })
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
