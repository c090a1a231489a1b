import Testing

@testable import Server

@Suite struct ServerConfigurationTests {
    @Test func defaultsWithNothingGiven() throws {
        let (c, notices) = try ServerConfiguration.resolve(options: [:], environment: [:])
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8765)
        #expect(c.dataDirectory == "./data")
        #expect(c.embedder.kind == .builtin)
        #expect(c.ownerKey == nil)
        #expect(!c.oauthEnabled)
        #expect(notices.isEmpty)
    }

    @Test func flagsWinOverVariablesAndVariablesOverAliases() throws {
        let env = ["MEMLEDGER_PORT": "9000", "MEMLEDGER_DEFAULT_USER_ID": "ann", "MEM0_DEFAULT_USER_ID": "old", "MEMLEDGER_DATA_DIR": "/srv/m"]
        let (c, _) = try ServerConfiguration.resolve(options: ["port": "9100"], environment: env)
        #expect(c.port == 9100)
        #expect(c.defaultUserID == "ann")
        #expect(c.dataDirectory == "/srv/m")
    }

    @Test func mem0NamesAreAccepted() throws {
        let env = [
            "MEM0_API_KEY": "mlk_given", "MEM0_DEFAULT_USER_ID": "sam", "PUBLIC_BASE_URL": "https://mem.example.com/",
            "OAUTH_ALLOWED_REDIRECT_URIS": "https://a.example/cb, https://b.example/*", "TRUST_FORWARDED_FOR": "true", "LOG_LEVEL": "WARN",
        ]
        let (c, _) = try ServerConfiguration.resolve(options: [:], environment: env)
        #expect(c.ownerKey == "mlk_given")
        #expect(c.defaultUserID == "sam")
        #expect(c.publicBaseURL == "https://mem.example.com")
        #expect(c.oauthEnabled)
        #expect(c.oauthAllowedRedirectURIs == ["https://a.example/cb", "https://b.example/*"])
        #expect(c.trustForwardedFor)
        #expect(c.logLevel == .warning)
    }

    @Test func memledgerKeyWinsOverMem0Key() throws {
        let (c, _) = try ServerConfiguration.resolve(options: [:], environment: ["MEM0_API_KEY": "a", "MEMLEDGER_API_KEY": "b"])
        #expect(c.ownerKey == "b")
    }

    @Test func signingKeyIsIgnoredWithOneNotice() throws {
        let (_, notices) = try ServerConfiguration.resolve(options: [:], environment: ["OAUTH_SIGNING_KEY": "-----BEGIN RSA…"])
        #expect(notices.count == 1)
        #expect(notices[0].contains("OAUTH_SIGNING_KEY"))
        #expect(!notices[0].contains("BEGIN"))
    }

    @Test func sizesAcceptUnits() throws {
        let (c, _) = try ServerConfiguration.resolve(options: ["body-limit": "2MiB", "content-limit": "64k"], environment: [:])
        #expect(c.bodyLimitBytes == 2 * 1024 * 1024)
        #expect(c.contentLimitBytes == 64 * 1024)
    }

    @Test(arguments: [
        (["port": "70000"], [String: String](), "--port"),
        (["port": "http"], [:], "--port"),
        ([:], ["MEMLEDGER_PORT": "-1"], "MEMLEDGER_PORT"),
        (["embedder": "minilm"], [:], "--model-dir"),
        (["embedder": "word2vec"], [:], "--embedder"),
        ([:], ["LOG_LEVEL": "loud"], "LOG_LEVEL"),
        ([:], ["PUBLIC_BASE_URL": "mem.example.com"], "PUBLIC_BASE_URL"),
    ])
    func badValuesNameTheirSource(options: [String: String], environment: [String: String], named: String) {
        #expect {
            _ = try ServerConfiguration.resolve(options: options, environment: environment)
        } throws: { error in
            (error as? ServerConfiguration.Problem)?.description.contains(named) == true
        }
    }

    @Test func embedderChoices() throws {
        let (openai, _) = try ServerConfiguration.resolve(
            options: ["embedder": "openai"], environment: ["OPENAI_API_KEY": "sk-x", "MEM0_EMBED_MODEL": "text-embedding-3-large"])
        #expect(openai.embedder == EmbedderSettings(kind: .openai, baseURL: "https://api.openai.com/v1", model: "text-embedding-3-large", apiKey: "sk-x"))
        let (ollama, _) = try ServerConfiguration.resolve(
            options: [:], environment: ["MEM0_EMBED_PROVIDER": "ollama", "OLLAMA_BASE_URL": "http://127.0.0.1:11434/v1"])
        #expect(ollama.embedder.kind == .openai)
        #expect(ollama.embedder.model == "nomic-embed-text")
        let (minilm, _) = try ServerConfiguration.resolve(options: ["embedder": "minilm", "model-dir": "/models/minilm"], environment: [:])
        #expect(minilm.embedder == EmbedderSettings(kind: .minilm, modelDirectory: "/models/minilm"))
    }
}
