import Foundation
import Testing

/// Lists printed with `--json` are JSON lines, one item per line, like `audit` and `history`.
@Suite struct ListOutputTests {
    @Test func keysListIsOneKeyPerLine() throws {
        let dir = TempDirectory()
        var secrets: [String] = []
        for name in ["laptop", "ci"] {
            let created = try memledger(["keys", "create", "--name", name, "--data", dir.path, "--json"])
            #expect(created.status == 0, "\(created.stderr)")
            secrets.append(try #require(created.object["key"] as? String))
        }
        let list = try memledger(["keys", "list", "--data", dir.path, "--json"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 2)
        #expect(Set(list.lines.map { $0["name"] as? String ?? "" }) == ["laptop", "ci"])
        #expect(list.lines.allSatisfy { $0["user_id"] as? String == "default" && $0["revoked"] as? Bool == false })
        #expect(secrets.allSatisfy { !list.stdout.contains($0) }, "a list never shows a secret")
    }

    @Test func clientsListPrintsNothingWhenThereAreNone() throws {
        let dir = TempDirectory()
        #expect(try memledger(["keys", "create", "--name", "x", "--data", dir.path]).status == 0)
        let list = try memledger(["clients", "list", "--data", dir.path, "--json"])
        #expect(list.status == 0 && list.stdout.isEmpty, "\(list.stdout)")
    }
}
