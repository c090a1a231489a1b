import Foundation
import Server
import Testing

/// `serve --help` and the README's configuration table name every flag `serve` accepts, and nothing it would refuse.
@Suite struct ServeOptionsTests {
    static let accepted = ServerConfiguration.valuedFlags.union(ServerConfiguration.switchFlags)

    /// The `--flag` names in `text`.
    static func flags(in text: String) throws -> Set<String> {
        let pattern = try Regex("--([a-z][a-z-]*[a-z])")
        return Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test func serveHelpNamesEveryFlag() throws {
        let help = try memledger(["serve", "--help"])
        #expect(help.status == 0)
        let named = try Self.flags(in: help.stdout)
        #expect(Self.accepted.subtracting(named).isEmpty, "missing from serve --help: \(Self.accepted.subtracting(named).sorted())")
        #expect(named.subtracting(Self.accepted).isEmpty, "serve --help names flags serve refuses: \(named.subtracting(Self.accepted).sorted())")
    }

    /// The README's configuration table lists the same flags (its first column).
    @Test func readmeConfigurationTableNamesEveryFlag() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Configuration\n").dropFirst().first?.components(separatedBy: "\n## ").first)
        let firstCells = section.split(separator: "\n").filter { $0.hasPrefix("| `--") }.compactMap { $0.split(separator: "|").first }
        let named = try Self.flags(in: firstCells.joined(separator: " "))
        #expect(named == Self.accepted, "table lacks \(Self.accepted.subtracting(named).sorted()), has extra \(named.subtracting(Self.accepted).sorted())")
    }
}
