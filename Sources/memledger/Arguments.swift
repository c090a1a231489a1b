import JSON

/// A minimal command-line reader: `--flag value`, `--flag=value`, `--switch`, positionals.
struct Arguments {
    private(set) var options: [String: String] = [:]
    private(set) var switches: Set<String> = []
    private(set) var positionals: [String] = []

    /// - Parameter valued: the options that take a value.
    init(_ words: [String], valued: Set<String>) throws(UsageError) {
        var i = 0
        while i < words.count {
            let word = words[i]
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    options[String(body[..<eq])] = String(body[body.index(after: eq)...])
                } else if valued.contains(String(body)) {
                    guard i + 1 < words.count else { throw UsageError("--\(body) needs a value") }
                    options[String(body)] = words[i + 1]
                    i += 1
                } else {
                    switches.insert(String(body))
                }
            } else {
                positionals.append(word)
            }
            i += 1
        }
    }

    subscript(option: String) -> String? { options[option] }
    func has(_ flag: String) -> Bool { switches.contains(flag) }

    /// Refuses options and switches the command does not know, naming them.
    func allowOnly(_ known: Set<String>) throws(UsageError) {
        let unknown = Set(options.keys).union(switches).subtracting(known).subtracting(["help", "json"])
        guard let first = unknown.sorted().first else { return }
        // A near miss (`--version` for `--to-version`, `--reasons` for `--reason`, `--agnet`) names the option meant.
        if let meant = NearMiss.meant(first, among: known) {
            throw UsageError("unknown option --\(first); did you mean --\(meant)?")
        }
        throw UsageError("unknown option --\(first)")
    }
}

/// A mistake in how a command was called (exit code 64, as in sysexits.h).
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The exit codes of every command.
enum ExitCode: Int32 {
    case ok = 0
    /// The command ran and found a problem (verify failed, a memory was not found, …).
    case failure = 1
    case usage = 64
    /// The data is not as expected (corrupt, wrong schema).
    case dataError = 65
    /// The command could not run (cannot open, port taken, …).
    case unavailable = 69
}
