import Foundation
import Ledger
import Memory
import SQLite

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
