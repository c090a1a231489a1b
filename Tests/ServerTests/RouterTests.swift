import HTTP
import Testing

@testable import Server

@Suite struct RouterTests {
    func responder() -> Responder {
        var router = Router()
        router.add("GET", "/api/v1/memories", access: .open) { _ in .text("list") }
        router.add("GET", "/api/v1/memories/{id}", access: .open) { c in .text("get \(c.parameter("id"))") }
        router.add("DELETE", "/api/v1/memories/{id}", access: .open) { _ in .text("delete") }
        router.add("POST", "/api/v1/memories/search", access: .open) { _ in .text("search") }
        router.add("GET", "/api/v1/memories/{id}/history", access: .open) { c in .text("history \(c.parameter("id"))") }
        return router.buildResponder()
    }

    func matched(_ method: String, _ path: String) -> (String, [String: String])? {
        if case .found(let route, let parameters) = responder().match(method: method, path: path) { return (route.pattern, parameters) }
        return nil
    }

    @Test func literalsBeforeParametersInTableOrder() {
        #expect(matched("GET", "/api/v1/memories")?.0 == "/api/v1/memories")
        #expect(matched("POST", "/api/v1/memories/search")?.0 == "/api/v1/memories/search")
        #expect(matched("GET", "/api/v1/memories/abc")?.1 == ["id": "abc"])
        #expect(matched("GET", "/api/v1/memories/abc/history")?.1 == ["id": "abc"])
    }

    @Test func parametersArePercentDecoded() {
        #expect(matched("GET", "/api/v1/memories/a%20b")?.1 == ["id": "a b"])
        #expect(matched("GET", "/api/v1/memories/a%2Fb")?.1 == ["id": "a/b"])
        #expect(matched("GET", "/api/v1/memories/%zz") == nil)
    }

    @Test func headFollowsGet() {
        #expect(matched("HEAD", "/api/v1/memories")?.0 == "/api/v1/memories")
    }

    @Test func wrongMethodListsTheAllowedOnes() {
        guard case .methodNotAllowed(_, let allowed) = responder().match(method: "PATCH", path: "/api/v1/memories/x") else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == ["GET", "DELETE"])
    }

    @Test(arguments: ["/api/v1/memories/", "/api/v1", "/api/v1/memories/x/y", "/api/v1/memories//history", "", "/unknown"])
    func unknownPathsAreNotFound(path: String) {
        guard case .notFound = responder().match(method: "GET", path: path) else {
            Issue.record("expected no match for \(path)")
            return
        }
    }
}
