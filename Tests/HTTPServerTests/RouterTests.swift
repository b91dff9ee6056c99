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

    /// The pattern of the route that serves `method` on `path`, or nil for a 404 or 405.
    private func pattern(_ router: Router, _ method: HTTPMethod, _ path: String) -> String? {
        let segments = path.split(separator: "/").map(String.init)
        guard case .found(let route, _) = router.match(method: method, segments: segments) else { return nil }
        return route.patternText
    }

    /// The methods a 405 lists for `method` on `path`, in order, or nil when it is no 405.
    private func allowed(_ router: Router, _ method: HTTPMethod, _ path: String) -> [String]? {
        let segments = path.split(separator: "/").map(String.init)
        guard case .methodNotAllowed(let allowed) = router.match(method: method, segments: segments) else {
            return nil
        }
        return allowed.map(\.rawValue)
    }

    /// The application routes as registered: a literal `preview` beside `:id`. The literal
    /// shadows the parameter for every method, so `:id`'s methods never leak into its `Allow`.
    @Test func aLiteralPathShadowsAParameterAndItsAllowListsOnlyItsOwnMethods() {
        var router = Router()
        router.add(.get, "/api/v1/applications/:id") { _ in .text("one") }
        router.add(.put, "/api/v1/applications/:id") { _ in .text("changed") }
        router.add(.post, "/api/v1/applications/preview") { _ in .text("preview") }
        #expect(self.pattern(router, .post, "/api/v1/applications/preview") == "/api/v1/applications/preview")
        #expect(self.pattern(router, .get, "/api/v1/applications/42") == "/api/v1/applications/:id")
        #expect(self.pattern(router, .put, "/api/v1/applications/42") == "/api/v1/applications/:id")
        for method in [HTTPMethod.put, .get, .head, .options, .delete] {
            #expect(self.allowed(router, method, "/api/v1/applications/preview") == ["POST"], "\(method)")
        }
        #expect(self.allowed(router, .delete, "/api/v1/applications/42") == ["GET", "PUT", "HEAD"])
    }

    /// Specificity per position, whatever the order the routes were added in.
    @Test(arguments: [
        ("/files/readme", "/files/readme"),
        ("/files/other", "/files/:name"),
        ("/files/a/b", "/files/*rest"),
        ("/files", "/files"),
        ("/persons/list", "/persons/:id"),
        ("/employers/list", "/:kind/list"),
        ("/employers/7", "/:kind/:id"),
        ("/", "/"),
    ])
    func theMostSpecificPatternWinsALiteralOverAParameterOverARest(path: String, expected: String) {
        var router = Router()
        for pattern in ["/:kind/:id", "/:kind/list", "/persons/:id", "/files/*rest", "/files/:name", "/files/readme"] {
            router.add(.get, pattern) { _ in .text(pattern) }
        }
        router.add(.get, "/files") { _ in .text("files") }
        router.add(.get, "/") { _ in .text("root") }
        #expect(self.pattern(router, .get, path) == expected)
    }

    /// Among patterns of the same shape the first route added that takes the method wins, and
    /// `Allow` lists the methods of all of them.
    @Test func amongEquallySpecificPatternsTheFirstAddedWinsAndAllowListsThemAll() {
        var router = Router()
        router.add(.get, "/persons/:id") { _ in .text("first") }
        router.add(.get, "/persons/:pid") { _ in .text("second") }
        router.add(.put, "/persons/:pid") { _ in .text("put") }
        router.add(.post, "/:kind/:id") { _ in .text("post") }
        #expect(self.pattern(router, .get, "/persons/7") == "/persons/:id")
        #expect(self.pattern(router, .head, "/persons/7") == "/persons/:id")
        #expect(self.pattern(router, .put, "/persons/7") == "/persons/:pid")
        // `/:kind/:id` is less specific: its POST is not the person's.
        #expect(self.allowed(router, .post, "/persons/7") == ["GET", "PUT", "HEAD"])
        #expect(self.pattern(router, .post, "/employers/7") == "/:kind/:id")
        #expect(self.pattern(router, .get, "/employers/7") == nil)
        #expect(self.allowed(router, .get, "/employers/7") == ["POST"])
    }

    /// A pattern that ends where the path ends beats a rest that would match nothing there, and
    /// a rest decides only where nothing more specific matches.
    @Test func anExactEndBeatsARestThatMatchesNothing() {
        var router = Router()
        router.add(.post, "/static/*path") { _ in .text("upload") }
        router.add(.get, "/static") { _ in .text("index") }
        router.add(.head, "/static") { _ in .text("head") }
        #expect(self.pattern(router, .get, "/static") == "/static")
        #expect(self.allowed(router, .post, "/static") == ["GET", "HEAD"])
        #expect(self.pattern(router, .post, "/static/a/b") == "/static/*path")
        #expect(self.allowed(router, .get, "/static/a") == ["POST"])
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
