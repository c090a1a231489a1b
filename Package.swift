// swift-tools-version:6.0
import PackageDescription

// Layering (DESIGN.md §1): dependencies point strictly downward.
//   CSQLite → SQLite → Schema/Ledger → Memory(+Search) → Server → memledger
//   HTTP (sockets, no domain) → MCP (JSON-RPC) / OAuth → Server
// C targets are our own and always compiled with optimisation, so hot loops are fast in debug too.
let optimisedC: [CSetting] = [.unsafeFlags(["-O3", "-fno-strict-aliasing"])]

let package = Package(
    name: "memledger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "memledger", targets: ["memledger"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CEventLoop", cSettings: optimisedC),
        .target(name: "CKernels", cSettings: optimisedC),
        .target(name: "CSHA256", cSettings: optimisedC),

        .target(name: "SQLite", dependencies: ["CSQLite", "Crypto"]),
        .target(name: "Crypto", dependencies: ["CSHA256"]),
        .target(name: "JSON"),
        .target(name: "Schema"),
        .target(name: "Ledger", dependencies: ["SQLite", "Crypto", "Schema"]),
        .target(name: "Search", dependencies: ["CKernels"]),
        .target(name: "MiniLM", dependencies: ["CKernels"]),
        .target(name: "Memory", dependencies: ["Ledger", "SQLite", "Crypto", "Search", "JSON"]),
        .target(name: "HTTP", dependencies: ["CEventLoop"]),
        .target(name: "MCP", dependencies: ["JSON"]),
        .target(name: "OAuth", dependencies: ["HTTP", "SQLite", "Crypto", "Ledger", "JSON"]),
        .target(name: "Server", dependencies: ["Memory", "Search", "MiniLM", "HTTP", "MCP", "OAuth", "Ledger", "SQLite", "Crypto", "JSON"]),
        .executableTarget(name: "memledger", dependencies: ["Server"]),
        // Benchmarks (run in release by the scripts in tools/); not part of the product.
        .executableTarget(name: "memledger-bench", dependencies: ["Ledger", "SQLite", "Crypto", "Memory", "Search", "Server", "JSON"], path: "tools/bench"),

        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "SQLite", "Crypto", "Schema"]),
        // Test doubles for what cannot run here (a remote embedding API), speaking the real wire format.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "SearchTests", dependencies: ["Search", "TestSupport"]),
        .testTarget(name: "MemoryTests", dependencies: ["Memory", "Ledger", "SQLite", "Schema", "Search", "JSON", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "MCPTests", dependencies: ["MCP", "JSON"]),
        .testTarget(name: "OAuthTests", dependencies: ["OAuth", "HTTP", "Ledger"]),
        .testTarget(name: "MiniLMTests", dependencies: ["MiniLM"]),
        .testTarget(name: "CLITests", dependencies: ["Ledger", "SQLite", "Server", "TestSupport"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Memory", "HTTP", "MCP", "OAuth", "Ledger"]),
    ],
    swiftLanguageModes: [.v6]
)
