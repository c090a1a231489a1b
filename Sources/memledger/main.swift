import Foundation

/// The version of this build.
let memledgerVersion = "0.1.0"

let usage = """
    usage: memledger <command> [options]

    commands:
      verify         check the hash chain and payload digests of a data directory
      clients        list or revoke OAuth clients (clients list | clients revoke ID)
      --version      print the version

    Every command takes --help. Data lives in ./data unless --data DIR or MEMLEDGER_DATA_DIR says otherwise.
    """

signal(SIGPIPE, SIG_IGN)
let words = Array(CommandLine.arguments.dropFirst())
let command = words.first ?? "--help"
let rest = Array(words.dropFirst())

func runCommand() -> ExitCode {
    do {
        switch command {
        case "--version", "version":
            print("memledger \(memledgerVersion)")
            return .ok
        case "--help", "-h", "help":
            print(usage)
            return .ok
        case "verify":
            if rest.contains("--help") { print(VerifyCommand.help); return .ok }
            return try VerifyCommand(Arguments(rest, valued: ["data", "expect-head"])).run()
        case "clients":
            if rest.contains("--help") { print(ClientsCommand.help); return .ok }
            return try ClientsCommand(Arguments(rest, valued: ["data"])).run()
        case "debug-append":
            if rest.contains("--help") { print(AppendLoopCommand.help); return .ok }
            return try AppendLoopCommand(Arguments(rest, valued: ["data", "stream", "count", "concurrency"])).run()
        default:
            printError("unknown command '\(command)'\n\(usage)")
            return .usage
        }
    } catch let error as UsageError {
        printError("\(error)")
        return .usage
    } catch {
        printError("\(error)")
        return .dataError
    }
}

exit(runCommand().rawValue)
