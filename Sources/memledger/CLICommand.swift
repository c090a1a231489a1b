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

/// A command that ran and stopped for a reason it can name, with the exit code that reason maps to.
struct CommandFailure: Error, CustomStringConvertible {
    let code: ExitCode
    let description: String

    init(_ code: ExitCode, _ description: String) {
        self.code = code
        self.description = description
    }

    static func noData(_ data: DataDirectory) -> CommandFailure {
        CommandFailure(.unavailable, "no memledger data in \(data.path) (use --data DIR or MEMLEDGER_DATA_DIR)")
    }
}

/// The exit code and message for an error that reached the top of a command.
func exitCode(for error: Error) -> (ExitCode, String) {
    switch error {
    case let failure as CommandFailure: return (failure.code, failure.description)
    case let usage as UsageError: return (.usage, usage.description)
    case let memory as MemoryError:
        switch memory.code {
        case .invalidArgument, .contentTooLarge: return (.usage, memory.detail)
        default: return (.failure, memory.description)
        }
    case let ledger as LedgerError: return (.dataError, ledger.description)
    case let sqlite as SQLiteError where sqlite.isBusy: return (.unavailable, "\(sqlite)")
    default: return (.dataError, "\(error)")
    }
}

/// Runs async domain work from the synchronous command line and waits for it.
///
/// The caller is the main thread, never the cooperative pool, so blocking it on a semaphore is safe.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Carries a task's result to the waiting thread; written once before the semaphore is signalled.
private final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
