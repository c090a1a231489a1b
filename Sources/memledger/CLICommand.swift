import Foundation
import Ledger
import Memory
import SQLite

/// One subcommand: parsing and validation in `init`, the work in `run` (swift-argument-parser's split).
protocol CLICommand {
    static var help: String { get }
    /// The options that take a value (`--data DIR`); every other `--word` is a switch.
    static var valued: Set<String> { get }
    init(_ args: Arguments) throws(UsageError)
    func run() throws -> ExitCode
}

extension CLICommand {
    /// Prints the help for `--help`, else parses `words` and runs the command.
    static func main(_ words: [String]) throws -> ExitCode {
        if words.contains("--help") || words.contains("-h") {
            print(help)
            return .ok
        }
        return try Self(Arguments(words, valued: valued)).run()
    }
}
