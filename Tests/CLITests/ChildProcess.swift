import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for the tests (the `memledger` binary, curl), started with posix_spawn(3).
///
/// Foundation's `Process` is not used: on Linux its `run()` can crash the test run with a bad
/// pointer dereference, because `findMaximumOpenFromProcSelfFD()` copies the whole 256-byte
/// `d_name` of each `/proc/self/fd` entry and reads past the end of glibc's readdir buffer
/// (swift-corelibs-foundation#5472).
///
/// As with `Process`, the child gets only its three standard streams: every other descriptor is
/// closed in it, so it never holds another test's pipe or socket open. It starts with no signal
/// blocked and every signal at its default action, as from a shell, whatever thread spawns it.
final class ChildProcess {
    /// Where one of the child's standard streams goes.
    enum Stream {
        /// The test process's own stream.
        case inherit
        /// `/dev/null`.
        case nullDevice
        /// A new pipe, whose other end is `standardInput`, `standardOutput` or `standardError`.
        case pipe
    }

    /// The child's process id.
    let pid: pid_t
    /// The writing end of the child's standard input, when that is a pipe.
    let standardInput: FileHandle?
    /// The reading end of the child's standard output, when that is a pipe.
    let standardOutput: FileHandle?
    /// The reading end of the child's standard error, when that is a pipe.
    let standardError: FileHandle?
    private var status: Int32?

    /// Starts `executable` with `arguments`.
    /// - Parameter environment: variables set over the test process's environment.
    /// - Throws: `POSIXError` when a pipe cannot be made or the executable cannot be started.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdin: Stream = .inherit, stdout: Stream = .inherit, stderr: Stream = .inherit
    ) throws {
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions))
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        var ourEnds: [FileHandle?] = []
        for (target, stream) in [(STDIN_FILENO, stdin), (STDOUT_FILENO, stdout), (STDERR_FILENO, stderr)] {
            switch stream {
            case .inherit:
                ourEnds.append(nil)
            case .nullDevice:
                let flags = target == STDIN_FILENO ? O_RDONLY : O_WRONLY
                try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0))
                ourEnds.append(nil)
            case .pipe:
                // Close-on-exec, so that no other child spawned meanwhile inherits either end.
                var fds: [Int32] = [-1, -1]
                guard gnuPipe2(&fds, O_CLOEXEC) == 0 else { throw posixError(errno) }
                let (child, ours) = target == STDIN_FILENO ? (fds[0], fds[1]) : (fds[1], fds[0])
                childEnds.append(child)
                ourEnds.append(FileHandle(fileDescriptor: ours, closeOnDealloc: true))
                try check(posix_spawn_file_actions_adddup2(&actions, child, target))
            }
        }
        try check(gnuAddCloseFrom(&actions, STDERR_FILENO + 1))

        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes))
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        try check(posix_spawnattr_setsigmask(&attributes, &signals))
        sigfillset(&signals)
        try check(posix_spawnattr_setsigdefault(&attributes, &signals))
        try check(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0)=\($1)") } + [nil]
        defer { for string in argv + envp { free(string) } }
        var pid = pid_t()
        try check(posix_spawn(&pid, executable, &actions, &attributes, argv, envp))
        self.pid = pid
        standardInput = ourEnds[0]
        standardOutput = ourEnds[1]
        standardError = ourEnds[2]
    }

    /// Sends `signal` to the child, unless it has already been waited for (its pid may be reused).
    func kill(_ signal: Int32) {
        if status == nil { _ = Glibc.kill(pid, signal) }
    }

    /// Waits for the child to end; later calls return the same status.
    /// - Returns: the exit status, or 128 plus the signal number when a signal killed it, as a shell reports it.
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 {
            precondition(errno == EINTR, "waitpid(\(pid)): \(String(cString: strerror(errno)))")
        }
        let signal = raw & 0x7f
        let result = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        status = result
        return result
    }
}

private func posixError(_ code: Int32) -> POSIXError { POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }

/// Throws the error number a posix_spawn function returns.
private func check(_ code: Int32) throws {
    if code != 0 { throw posixError(code) }
}

// GNU extensions, looked up at run time: the Swift Glibc module does not import them.
private let gnuPipe2 = gnuFunction("pipe2", as: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
private let gnuAddCloseFrom = gnuFunction(
    "posix_spawn_file_actions_addclosefrom_np",
    as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)

private func gnuFunction<Function>(_ name: String, as type: Function.Type) -> Function {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("\(name) is not in this C library (glibc 2.34 or later)") }
    return unsafeBitCast(symbol, to: type)
}
