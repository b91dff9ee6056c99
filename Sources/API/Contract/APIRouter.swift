import Business
import HTTP1
public import HTTPServer
import Logging

/// Registers the API's routes from their operations: each route is added to the router together
/// with its description, and its parameters and body are checked against that description before
/// the handler runs (400 listing every issue, in the client's language). The API description
/// served at `GET /api/v1/openapi.json` is written from the same operations when registration is
/// finished, so a route cannot exist undescribed, nor be described other than it is.
public struct APIRouter {
    /// The router the routes go to; routes that are no part of the API (the benchmark's) may be
    /// added to it directly.
    public var router: Router
    /// The operations added, in order.
    private(set) var operations: [OpenAPI.Operation] = []

    public init(router: Router = Router()) {
        self.router = router
    }

    /// Adds the route of `operation`: a request gets 401 at once when the operation needs a
    /// session and carries no bearer token; then its inputs are checked; then `handler` runs, and
    /// what it throws is answered in the request's language (``Localization``).
    mutating func add(
        _ operation: OpenAPI.Operation,
        execution: Router.Execution = .pool,
        _ handler: @escaping @Sendable (HTTPRequest, RequestInput) throws -> HTTPResponse
    ) {
        self.route(operation, execution: execution) { request in
            try handler(request, try Self.input(of: request, operation))
        }
    }

    /// Adds a business route: through `service` (session, scope, the operation's roles,
    /// `Idempotency-Key`, audit; see ``BusinessService/run``), inside which the inputs are
    /// checked, so that a principal the operation is not for hears 403 whatever they sent.
    mutating func business(
        _ operation: OpenAPI.Operation,
        service: BusinessService,
        action: String,
        changesState: Bool = true,
        _ body: @escaping @Sendable (BusinessCall, RequestInput) throws -> HTTPResponse
    ) {
        guard case .business(let access, _) = operation.access else {
            preconditionFailure("\(operation.id) is not a business operation")
        }
        self.route(operation, execution: .pool) { request in
            try service.run(request, access: access, action: action, changesState: changesState) { call in
                try body(call, try Self.input(of: request, operation))
            }
        }
    }

    private mutating func route(
        _ operation: OpenAPI.Operation,
        execution: Router.Execution,
        _ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse
    ) {
        self.operations.append(operation)
        self.router.add(
            operation.method,
            operation.routerPattern,
            execution: execution,
            maxBodyBytes: operation.maxBodyBytes
        ) { request in
            try Localization.run(request) { request in
                if operation.needsSession, Caller.bearerToken(request) == nil {
                    throw Unauthenticated()
                }
                return try handler(request)
            }
        }
    }

    /// The request's inputs checked against `operation`; a 400 listing every issue otherwise.
    private static func input(of request: HTTPRequest, _ operation: OpenAPI.Operation) throws -> RequestInput {
        do throws(ShapeFailure) {
            return try operation.input(of: request)
        } catch {
            throw error.businessError
        }
    }

    /// The API description of every operation added, as served.
    var document: [UInt8] {
        OpenAPIDocument.encoded(self.operations)
    }

    /// Adds `GET /api/v1/openapi.json`, which describes every operation added (itself included),
    /// and returns the router.
    public mutating func finish() -> Router {
        let operation = OpenAPIDocument.operation
        self.operations.append(operation)
        let document = self.document
        self.router.add(operation.method, operation.path, execution: .inline) { _ in
            HTTPResponse(
                status: 200,
                headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=300")],
                body: document
            )
        }
        return self.router
    }
}
