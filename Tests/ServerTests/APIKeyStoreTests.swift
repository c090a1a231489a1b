import Foundation
import JSON
import Ledger
import Memory
import Testing

@testable import Server

@Suite struct APIKeyStoreTests {
    let provenance = Provenance(actor: "test", transport: .cli)

    @Test func keysLookLikeMlkAnd32RandomBytes() {
        let a = APIKeyStore.generateSecret(), b = APIKeyStore.generateSecret()
        #expect(a.hasPrefix("mlk_"))
        #expect(a.count == 4 + 43)
        #expect(a != b)
    }

    @Test func onlyTheDigestIsStoredAndEventsCarryNoSecret() async throws {
        let fixture = try await ServerFixture()
        let (key, secret) = try await fixture.app.keys.create(name: "ci", userID: "alice", scopes: [.read], provenance: provenance)
        #expect(key.name == "ci")
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: fixture.service.ledger.path + suffix))) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains(secret))
            #expect(!String(decoding: bytes, as: UTF8.self).contains(String(secret.dropFirst(4))))
        }
        let events = try fixture.service.ledger.stream("auth:key:ci")
        #expect(events.map(\.type) == ["auth.key_created"])
        let payload = try #require(events.first?.payload)
        #expect(!String(decoding: payload, as: UTF8.self).contains(secret))
        #expect(events.first?.provenance.actor == "test")
    }

    @Test func lookupFindsActiveKeysOnlyAndRevocationIsAnEvent() async throws {
        let fixture = try await ServerFixture()
        let store = fixture.app.keys
        let (_, secret) = try await store.create(name: "temp", userID: "alice", scopes: [.read, .write], provenance: provenance)
        #expect(try store.lookup(secret: secret)?.name == "temp")
        #expect(try store.lookup(secret: secret + "x") == nil)
        #expect(try store.lookup(secret: "mlk_" + String(secret.dropFirst(4)).uppercased()) == nil)
        _ = try await store.revoke(name: "temp", provenance: provenance)
        #expect(try store.lookup(secret: secret) == nil)
        #expect(try fixture.service.ledger.stream("auth:key:temp").map(\.type) == ["auth.key_created", "auth.key_revoked"])
        #expect(try store.list().first { $0.name == "temp" }?.isRevoked == true)
    }

    @Test func namesAreUniqueEvenAfterRevocation() async throws {
        let fixture = try await ServerFixture()
        await #expect(throws: APIKeyError.nameTaken("reader")) {
            _ = try await fixture.app.keys.create(name: "reader", userID: "x", scopes: [.read], provenance: provenance)
        }
        await #expect(throws: APIKeyError.invalidName("")) {
            _ = try await fixture.app.keys.create(name: "no spaces", userID: "x", scopes: [.read], provenance: provenance)
        }
        #expect(throws: APIKeyError.notFound("ghost")) { _ = try fixture.app.keys.revokeSync(name: "ghost", provenance: provenance) }
    }

    @Test func ownerKeyIsCreatedOnceWhenNoKeysExist() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memledger-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        let service = try ServerEnvironment.openService(configuration)
        defer { service.close() }
        let store = APIKeyStore(ledger: service.ledger)
        let secret = try #require(try store.ensureOwnerKey(given: nil, userID: "default", provenance: provenance))
        #expect(try store.lookup(secret: secret)?.scopes == Set(Scope.allCases))
        #expect(try store.ensureOwnerKey(given: nil, userID: "default", provenance: provenance) == nil)
        #expect(try store.count() == 1)
    }

    @Test func givenOwnerKeyIsRegisteredAsDigestOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memledger-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        let service = try ServerEnvironment.openService(configuration)
        defer { service.close() }
        let store = APIKeyStore(ledger: service.ledger)
        #expect(try store.ensureOwnerKey(given: "operator-chosen-key", userID: "sam", provenance: provenance) == nil)
        #expect(try store.ensureOwnerKey(given: "operator-chosen-key", userID: "sam", provenance: provenance) == nil)
        let principal = try #require(try store.lookup(secret: "operator-chosen-key")?.principal)
        #expect(principal.userID == "sam")
        #expect(principal.has(.admin))
        #expect(try store.count() == 1)
    }

    @Test(arguments: [
        ("memory.read,memory.write", Set<Scope>([.read, .write])), ("admin", Set<Scope>([.admin])), ("read write admin", Set<Scope>(Scope.allCases)),
    ])
    func scopesParse(text: String, scopes: Set<Scope>) {
        #expect(APIKey.parseScopes(text) == scopes)
    }

    @Test func unknownScopesAreRefused() {
        #expect(APIKey.parseScopes("memory.delete") == nil)
        #expect(APIKey.parseScopes("") == nil)
    }
}

@Suite struct RevokedOwnerKeyTests {
    @Test func aRevokedGivenKeyIsRefusedNotRevived() async throws {
        let fixture = try await ServerFixture()
        let provenance = Provenance(actor: "test", transport: .cli)
        _ = try fixture.app.keys.revokeSync(name: "writer", provenance: provenance)
        #expect {
            _ = try fixture.app.keys.ensureOwnerKey(given: fixture.writerKey, userID: "alice", provenance: provenance)
        } throws: { error in
            (error as? APIKeyError)?.description.contains("revoked") == true
        }
        #expect(try fixture.app.keys.lookup(secret: fixture.writerKey) == nil)
    }
}
