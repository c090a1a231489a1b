/// A minimal reader for benchmark options: `--name value`, `--name=value` and `--switch`.
///
/// Each subcommand names the options that take a value, so an unknown word is reported instead of
/// being silently taken for a switch.
struct BenchArguments {
    private(set) var options: [String: String] = [:]
    private(set) var switches: Set<String> = []

    /// - Parameters:
    ///   - words: the words after the subcommand's name.
    ///   - valued: the options that take a value.
    ///   - switches: the options that take none.
    init(_ words: [String], valued: Set<String>, switches known: Set<String>) throws(BenchUsageError) {
        var i = 0
        while i < words.count {
            let word = words[i]
            guard word.hasPrefix("--") else { throw BenchUsageError("unexpected argument '\(word)'") }
            let body = String(word.dropFirst(2))
            if let eq = body.firstIndex(of: "=") {
                let name = String(body[..<eq])
                guard valued.contains(name) else { throw BenchUsageError("unknown option --\(name)") }
                options[name] = String(body[body.index(after: eq)...])
            } else if valued.contains(body) {
                guard i + 1 < words.count else { throw BenchUsageError("--\(body) needs a value") }
                options[body] = words[i + 1]
                i += 1
            } else if known.contains(body) {
                switches.insert(body)
            } else {
                throw BenchUsageError("unknown option --\(body)")
            }
            i += 1
        }
    }

    func has(_ name: String) -> Bool { switches.contains(name) }

    /// The positive number given for `name`, or `fallback` when the option is absent.
    func positive(_ name: String, default fallback: Double) throws(BenchUsageError) -> Double {
        guard let text = options[name] else { return fallback }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw BenchUsageError("--\(name) must be a positive number, got '\(text)'")
        }
        return value
    }

    /// The positive whole number given for `name`, or `fallback` when the option is absent.
    func positiveInt(_ name: String, default fallback: Int) throws(BenchUsageError) -> Int {
        guard let text = options[name] else { return fallback }
        guard let value = Int(text), value > 0 else {
            throw BenchUsageError("--\(name) must be a positive whole number, got '\(text)'")
        }
        return value
    }
}

/// A mistake in how the benchmark was called (exit code 64, as in sysexits.h).
struct BenchUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The exit codes of every benchmark subcommand.
enum BenchExitCode: Int32 {
    case ok = 0
    /// The benchmark ran but its figures miss the target it checks (e.g. group commit below 5×).
    case belowTarget = 1
    case usage = 64
    /// The benchmark could not run (cannot create the database, SQLite failed, …).
    case unavailable = 69
}
