import HTTP1
import Testing

@testable import HTTPServer

@Suite struct RouterTests {
    private func router() -> Router {
        var router = Router()
        router.add(.get, "/api/v1/persons/:id") { request in .text("person \(request.parameters["id"] ?? "?")") }
        router.add(.put, "/api/v1/persons/:id") { _ in .text("updated") }
        router.add(.get, "/static/*path") { request in .text(request.parameters["path"] ?? "") }
        router.add(.post, "/api/v1/persons") { _ in .text("created", status: 201) }
        return router
    }

    @Test func parametersBindToTheirSegments() {
        guard
            case .found(let route, let parameters) = self.router().match(
                method: .get,
                segments: ["api", "v1", "persons", "42"]
            )
        else {
            Issue.record("expected a match")
            return
        }
        #expect(route.patternText == "/api/v1/persons/:id")
        #expect(parameters == ["id": "42"])
    }

    @Test func anUnknownPathIsNotFoundAndAKnownOneWithAnotherMethodListsTheAllowedOnes() {
        let router = self.router()
        guard case .notFound = router.match(method: .get, segments: ["nope"]) else {
            Issue.record("expected 404"); return
        }
        guard
            case .methodNotAllowed(let allowed) = router.match(
                method: .delete,
                segments: ["api", "v1", "persons", "1"]
            )
        else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed.map(\.rawValue)) == ["GET", "PUT", "HEAD"])
    }

    @Test func headIsServedByTheGetRoute() {
        guard case .found = self.router().match(method: .head, segments: ["api", "v1", "persons", "7"]) else {
            Issue.record("expected HEAD to match GET")
            return
        }
    }

    @Test func aRestParameterTakesTheRemainingSegments() {
        guard
            case .found(_, let parameters) = self.router().match(method: .get, segments: ["static", "css", "site.css"])
        else {
            Issue.record("expected a match")
            return
        }
        #expect(parameters["path"] == "css/site.css")
    }

    /// Routes are looked up by their first segment, but the first route added still wins, whether
    /// it starts with a literal or a parameter, and 405 lists the methods of both kinds.
    @Test func theFirstRouteAddedWinsAcrossLiteralAndParameterPatterns() {
        var router = Router()
        router.add(.get, "/:kind/list") { _ in .text("any kind") }
        router.add(.get, "/persons/list") { _ in .text("persons") }
        router.add(.get, "/persons/:id") { _ in .text("one person") }
        router.add(.post, "/:kind/:id") { _ in .text("post") }
        router.add(.get, "/") { _ in .text("root") }
        func pattern(_ method: HTTPMethod, _ segments: [String]) -> String? {
            guard case .found(let route, _) = router.match(method: method, segments: segments) else { return nil }
            return route.patternText
        }
        #expect(pattern(.get, ["persons", "list"]) == "/:kind/list")
        #expect(pattern(.get, ["persons", "7"]) == "/persons/:id")
        #expect(pattern(.post, ["persons", "7"]) == "/:kind/:id")
        #expect(pattern(.get, []) == "/")
        #expect(pattern(.get, ["employers", "7"]) == nil)
        guard case .methodNotAllowed(let allowed) = router.match(method: .delete, segments: ["persons", "7"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed.map(\.rawValue)) == ["GET", "POST", "HEAD"])
    }

    @Test func middlewareRunsOutermostFirstAroundTheHandler() throws {
        var router = Router()
        router.use { request, next in
            var response = try next(request)
            response.headers.append(("X-Order", "outer"))
            return response
        }
        router.use { request, next in
            var response = try next(request)
            response.headers.append(("X-Order", "inner"))
            return response
        }
        router.add(.get, "/x") { _ in .text("x") }
        guard case .found(let route, _) = router.match(method: .get, segments: ["x"]),
            case .handler(let handler, _) = route.action
        else {
            Issue.record("expected a match")
            return
        }
        let request = try HTTPRequest(
            method: .get,
            target: Array("/x".utf8).withUnsafeBytes { RequestTarget.parse($0) }.get(),
            headers: HTTPHeaders([]),
            requestID: "t"
        )
        let response = try router.run(handler, request)
        #expect(response.headers.map(\.value) == ["text/plain; charset=utf-8", "inner", "outer"])
    }
}
