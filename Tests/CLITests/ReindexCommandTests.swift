import Foundation
import Testing

@Suite struct ReindexCommandTests {
    @Test func reindexGivesEveryLiveMemoryAVectorAndVerifyAgrees() throws {
        let dir = TempDirectory()
        #expect(try memledger(["debug-seed", "--data", dir.path, "--memories", "12"]).status == 0)
        let result = try memledger(["reindex", "--data", dir.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.object["embedder"] as? String == "memledger-hash-v1")
        #expect((result.object["reindexed"] as? Int ?? 0) > 0 && result.object["pending"] as? Int == 0)
        #expect(try memledger(["verify", "--data", dir.path]).status == 0)
    }

    @Test func reindexNamesAMissingSettingAndAMissingStore() throws {
        let dir = TempDirectory()
        #expect(try memledger(["reindex", "--data", dir.path + "/none"]).status == 69)
        let noModel = try memledger(["reindex", "--data", dir.path, "--embedder", "minilm"])
        #expect(noModel.status == 64 && noModel.stderr.contains("--model-dir"))
    }
}
