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
/// segment and binds it to `name`; a final `*name` matches the rest of the path.
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
    /// the pattern `/`), in the order added: a request is matched against these and
    /// `parameterFirst` only, not against every route.
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

    func match(method: HTTPMethod, segments: [String]) -> Match {
        let literal = self.byFirstSegment[segments.first ?? ""] ?? []
        let parameter = self.parameterFirst
        var allowed: [HTTPMethod] = []
        // Both lists in the order routes were added: the first route added that matches wins.
        var nextLiteral = 0
        var nextParameter = 0
        while nextLiteral < literal.count || nextParameter < parameter.count {
            let index: Int
            if nextParameter == parameter.count
                || (nextLiteral < literal.count && literal[nextLiteral] < parameter[nextParameter])
            {
                index = literal[nextLiteral]
                nextLiteral += 1
            } else {
                index = parameter[nextParameter]
                nextParameter += 1
            }
            guard let parameters = Self.bind(self.routes[index].pattern, to: segments) else { continue }
            let routeMethod = self.routes[index].method
            if routeMethod == method || (method == .head && routeMethod == .get) {
                return .found(self.routes[index], parameters: parameters)
            }
            if !allowed.contains(routeMethod) {
                allowed.append(routeMethod)
            }
        }
        if allowed.isEmpty {
            return .notFound
        }
        if allowed.contains(.get), !allowed.contains(.head) {
            allowed.append(.head)
        }
        return .methodNotAllowed(allowed: allowed)
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

    private static func bind(_ pattern: [Segment], to segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        var index = 0
        for segment in pattern {
            switch segment {
            case .literal(let text):
                guard index < segments.count, segments[index] == text else { return nil }
            case .parameter(let name):
                guard index < segments.count else { return nil }
                parameters[name] = segments[index]
            case .rest(let name):
                parameters[name] = segments[index...].joined(separator: "/")
                return parameters
            }
            index += 1
        }
        return index == segments.count ? parameters : nil
    }
}
