public import HTTP1

/// Handles one request. Runs on a handler thread (may block on the database) unless its route
/// is registered as ``Router/Execution/inline``.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Handles one request on the event-loop thread and answers later through the responder, from
/// a completion the loop runs (a pipelined database result, say). It must never block. The
/// router's middleware does **not** wrap it: use deferred routes only for answers that need no
/// authentication, or check it in the handler.
public typealias HTTPDeferredHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

/// Wraps handling: authentication, auditing, … `next` runs the rest of the chain.
public typealias HTTPMiddleware = @Sendable (HTTPRequest, _ next: HTTPHandler) throws -> HTTPResponse

/// Method + path-pattern routing. Patterns are `/`-separated; a segment `:name` matches any one
/// segment and binds it to `name`; a final `*name` matches the rest of the path. The most
/// specific matching pattern decides (see ``match(method:segments:)``).
///
/// Build it completely before the server starts; it is read-only afterwards.
public struct Router: Sendable {
    /// Where a route's handler runs.
    public enum Execution: Sendable {
        /// On a handler thread: may block (database, files). The default.
        case pool
        /// On the event-loop thread itself: must never block; for trivial, CPU-only answers.
        case inline
    }

    /// What a route runs.
    enum Action: Sendable {
        case handler(HTTPHandler, Execution)
        case deferred(HTTPDeferredHandler)
    }

    struct Route: Sendable {
        /// Position in `routes`, for metrics.
        var index: Int
        var method: HTTPMethod
        var pattern: [Segment]
        var patternText: String
        var action: Action
        /// Largest request body this route takes, if not the server's default.
        var maxBodyBytes: Int?
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    /// The outcome of matching a request.
    enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private(set) var routes: [Route] = []
    private(set) var middleware: [HTTPMiddleware] = []
    /// Indices of the routes whose pattern starts with a literal segment, by that segment ("" for
    /// the pattern `/`), in the order added: a request is matched against these, then against
    /// `parameterFirst` if none of these matches, never against every route.
    private var byFirstSegment: [String: [Int]] = [:]
    /// Indices of the routes whose pattern starts with `:name` or `*name`, in the order added.
    private var parameterFirst: [Int] = []

    public init() {}

    /// Adds a route.
    ///
    /// - Parameters:
    ///   - method: the method; `HEAD` requests are also served by `GET` routes.
    ///   - pattern: e.g. `/api/v1/persons/:id`.
    ///   - execution: where the handler runs.
    ///   - maxBodyBytes: the largest body this route takes (uploads), if not the server's
    ///     default; a larger one is refused with 413 before it is read.
    ///   - handler: the handler.
    public mutating func add(
        _ method: HTTPMethod,
        _ pattern: String,
        execution: Execution = .pool,
        maxBodyBytes: Int? = nil,
        _ handler: @escaping HTTPHandler
    ) {
        self.append(method, pattern, .handler(handler, execution), maxBodyBytes: maxBodyBytes)
    }

    /// Adds a route whose handler runs on the event-loop thread and answers later through an
    /// ``HTTPResponder`` (see ``HTTPDeferredHandler``; middleware does not wrap it).
    public mutating func addDeferred(
        _ method: HTTPMethod,
        _ pattern: String,
        maxBodyBytes: Int? = nil,
        _ handler: @escaping HTTPDeferredHandler
    ) {
        self.append(method, pattern, .deferred(handler), maxBodyBytes: maxBodyBytes)
    }

    private mutating func append(_ method: HTTPMethod, _ pattern: String, _ action: Action, maxBodyBytes: Int?) {
        let segments: [Segment] = pattern.split(separator: "/").map { part in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        switch segments.first {
        case .literal(let text): self.byFirstSegment[text, default: []].append(self.routes.count)
        case .none: self.byFirstSegment["", default: []].append(self.routes.count)
        case .parameter, .rest: self.parameterFirst.append(self.routes.count)
        }
        self.routes.append(
            Route(
                index: self.routes.count,
                method: method,
                pattern: segments,
                patternText: pattern,
                action: action,
                maxBodyBytes: maxBodyBytes
            )
        )
    }

    /// Every route's method and pattern (`/api/v1/persons/:id`), in the order added: what an
    /// API description must cover.
    public var routeTable: [(method: HTTPMethod, pattern: String)] {
        self.routes.map { ($0.method, $0.patternText) }
    }

    /// Adds a middleware; the first added is the outermost.
    public mutating func use(_ middleware: @escaping HTTPMiddleware) {
        self.middleware.append(middleware)
    }

    /// The route for `method` on `segments`: among the patterns that match, the most specific
    /// one decides, and among routes with that pattern the first added that takes the method.
    ///
    /// Specificity is compared segment by segment from the left: a literal beats a parameter,
    /// which beats a rest, as in Hummingbird's trie router; so `/applications/preview` shadows
    /// `/applications/:id` for every method, and a method that the literal route does not take
    /// is 405 with the literal route's methods only.
    ///
    /// - Returns: the route with its bound parameters; `.methodNotAllowed` with the methods of
    ///   the most specific pattern (`HEAD` added where `GET` is there); `.notFound` when no
    ///   pattern matches.
    func match(method: HTTPMethod, segments: [String]) -> Match {
        // A literal first segment beats a parameter or rest in the first position, so a pattern
        // that starts with a parameter decides only when no literal-first pattern matches.
        var candidates = self.byFirstSegment[segments.first ?? ""] ?? []
        var best = self.mostSpecific(in: candidates, segments)
        if best == nil {
            candidates = self.parameterFirst
            best = self.mostSpecific(in: candidates, segments)
        }
        guard let best else { return .notFound }
        let tied = candidates.lazy.filter { index in
            Self.specificity(of: self.routes[index].pattern, comparedTo: self.routes[best].pattern) == .same
                && Self.matches(self.routes[index].pattern, segments)
        }
        if let index = tied.first(where: { Self.takes(self.routes[$0].method, method) }) {
            return .found(self.routes[index], parameters: Self.parameters(of: self.routes[index].pattern, in: segments))
        }
        var allowed: [HTTPMethod] = []
        for index in tied where !allowed.contains(self.routes[index].method) {
            allowed.append(self.routes[index].method)
        }
        if allowed.contains(.get), !allowed.contains(.head) {
            allowed.append(.head)
        }
        return .methodNotAllowed(allowed: allowed)
    }

    /// The first route in `candidates` (indices in the order added) whose pattern matches
    /// `segments` and is at least as specific as every other that matches.
    private func mostSpecific(in candidates: [Int], _ segments: [String]) -> Int? {
        var best: Int?
        for index in candidates where Self.matches(self.routes[index].pattern, segments) {
            if let current = best,
                Self.specificity(of: self.routes[index].pattern, comparedTo: self.routes[current].pattern) != .more
            {
                continue
            }
            best = index
        }
        return best
    }

    /// Whether a route registered for `routeMethod` serves a request with `method`: `GET`
    /// routes serve `HEAD` too (RFC 9110 §9.3.2).
    private static func takes(_ routeMethod: HTTPMethod, _ method: HTTPMethod) -> Bool {
        routeMethod == method || (method == .head && routeMethod == .get)
    }

    private enum Specificity {
        case more
        case same
        case less
    }

    /// How `pattern` ranks against `other`, two patterns that match the same path: at the first
    /// position where their kinds differ, the end of a pattern beats a rest (which would match
    /// nothing there), a literal beats a parameter and a parameter beats a rest.
    private static func specificity(of pattern: [Segment], comparedTo other: [Segment]) -> Specificity {
        func rank(_ pattern: [Segment], _ position: Int) -> Int {
            guard position < pattern.count else { return 3 }
            switch pattern[position] {
            case .literal: return 2
            case .parameter: return 1
            case .rest: return 0
            }
        }
        for position in 0..<max(pattern.count, other.count) {
            let (mine, theirs) = (rank(pattern, position), rank(other, position))
            if mine != theirs { return mine > theirs ? .more : .less }
        }
        return .same
    }

    /// The largest body any route takes, or `fallback` if larger.
    func largestBodyLimit(fallback: Int) -> Int {
        self.routes.compactMap(\.maxBodyBytes).reduce(fallback, max)
    }

    /// The body limit for a request to `segments` with `method`: its route's, else `fallback`.
    func bodyLimit(method: HTTPMethod, segments: [String], fallback: Int) -> Int {
        if case .found(let route, _) = self.match(method: method, segments: segments) {
            return route.maxBodyBytes ?? fallback
        }
        return fallback
    }

    /// Runs `handler` (a route's) inside the middleware chain.
    func run(_ handler: @escaping HTTPHandler, _ request: HTTPRequest) throws -> HTTPResponse {
        var handler = handler
        for middleware in self.middleware.reversed() {
            let next = handler
            handler = { request in try middleware(request, next) }
        }
        return try handler(request)
    }

    /// Whether `pattern` matches `segments`, without binding anything.
    private static func matches(_ pattern: [Segment], _ segments: [String]) -> Bool {
        for (index, segment) in pattern.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < segments.count, segments[index] == text else { return false }
            case .parameter:
                guard index < segments.count else { return false }
            case .rest:
                return true
            }
        }
        return pattern.count == segments.count
    }

    /// The values of a matching pattern's `:name` and `*name` segments.
    private static func parameters(of pattern: [Segment], in segments: [String]) -> [String: String] {
        var parameters: [String: String] = [:]
        for (index, segment) in pattern.enumerated() {
            switch segment {
            case .literal:
                break
            case .parameter(let name):
                parameters[name] = segments[index]
            case .rest(let name):
                parameters[name] = segments[index...].joined(separator: "/")
            }
        }
        return parameters
    }
}
