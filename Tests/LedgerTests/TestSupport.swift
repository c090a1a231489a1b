import Foundation
import Ledger
import SQLite

/// A fresh data directory for one test, removed when the value is released.
final class TempDirectory: @unchecked Sendable {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "memledger-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var database: String { path + "/memledger.sqlite" }
}

func payload(_ text: String) -> [UInt8] { Array("{\"text\":\"\(text)\"}".utf8) }

let cli = Provenance(agentID: "tester", clientID: "test-key", transport: .cli)

/// Contains `needle` anywhere in the file's bytes?
func file(_ path: String, contains needle: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return data.range(of: Data(needle.utf8)) != nil
}
