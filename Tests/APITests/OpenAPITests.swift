import Business
import Foundation
import HTTP1
import Postgres
import Testing

@testable import API
@testable import HTTPServer

/// The API description (`GET /api/v1/openapi.json`) against the router: every route described,
/// nothing described that is not routed, and the document well-formed.
@Suite struct OpenAPITests {
    /// The router as the worker builds it, without the benchmark routes (they are no part of the
    /// API). The database client connects lazily: nothing is contacted.
    static func workerRouter() throws -> Router {
        let database = PostgresClient(
            configuration: PostgresConfiguration(host: "127.0.0.1", port: 1, user: "nobody", database: "none")
        )
        defer { database.close() }
        var api = APIRouter()
        APIRoutes.register(on: &api, authenticator: try Authenticator(database: database, settings: .init()))
        SystemRoutes.register(on: &api, database: nil, metrics: ServerMetrics()) { (0, 0) }
        return api.finish()
    }

    /// The document the router serves at `GET /api/v1/openapi.json`.
    static func served(by router: Router) throws -> HTTPResponse {
        guard case .found(let route, _) = router.match(method: .get, segments: ["api", "v1", "openapi.json"]),
            case .handler(let handler, .inline) = route.action
        else {
            throw DocumentMissing()
        }
        let request = try HTTPRequest(
            method: .get,
            target: Array("/api/v1/openapi.json".utf8).withUnsafeBytes { RequestTarget.parse($0) }.get(),
            headers: HTTPHeaders([]),
            requestID: "t"
        )
        return try router.run(handler, request)
    }

    struct DocumentMissing: Error {}

    /// The served document, parsed.
    static func document() throws -> [String: Any] {
        let body = try Self.served(by: try Self.workerRouter()).body
        return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    /// The operations the parsed document names: `GET /api/v1/applications/{id}`.
    static func operations(in document: [String: Any]) throws -> [(method: String, path: String)] {
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [(method: String, path: String)] = []
        for (path, item) in paths {
            let item = try #require(item as? [String: Any])
            for method in item.keys where Coverage.methods.contains(method) {
                operations.append((method.uppercased(), path))
            }
        }
        return operations
    }

    @Test func everyRouteIsDescribedAndEveryDescriptionRouted() throws {
        let router = try Self.workerRouter()
        let documented = try Self.operations(in: try Self.document())
        let coverage = Coverage(
            routes: router.routeTable.map { ($0.method.rawValue, $0.pattern) },
            documented: documented
        )
        #expect(coverage.undocumented.isEmpty, "routes missing from the API description: \(coverage.undocumented)")
        #expect(coverage.unrouted.isEmpty, "described but not routed: \(coverage.unrouted)")
        #expect(router.routeTable.contains { $0.method == .get && $0.pattern == "/api/v1/openapi.json" })
        #expect(documented.count == router.routeTable.count)
        #expect(documented.count > 35)
    }

    @Test func aRouteAddedBesideTheDescriptionIsCaught() throws {
        var router = try Self.workerRouter()
        router.add(.post, "/api/v1/undescribed/:id") { _ in HTTPResponse(status: 204) }
        let coverage = Coverage(
            routes: router.routeTable.map { ($0.method.rawValue, $0.pattern) },
            documented: try Self.operations(in: try Self.document())
        )
        #expect(coverage.undocumented == ["POST /api/v1/undescribed/{id}"])
    }

    @Test func theComparisonCatchesAMissingAndAnInventedRoute() throws {
        let routes = try Self.workerRouter().routeTable.map { ($0.method.rawValue, $0.pattern) }
        let documented = try Self.operations(in: try Self.document())

        let missing = Coverage(routes: routes + [("POST", "/api/v1/fake/:id/things")], documented: documented)
        #expect(missing.undocumented == ["POST /api/v1/fake/{id}/things"])
        #expect(missing.unrouted.isEmpty)

        let invented = Coverage(routes: routes, documented: documented + [("DELETE", "/api/v1/applications/{id}")])
        #expect(invented.undocumented.isEmpty)
        #expect(invented.unrouted == ["DELETE /api/v1/applications/{id}"])

        // A method differs: both directions report it.
        let get = try #require(
            documented.first { get in
                get.method == "GET" && !documented.contains { $0.path == get.path && $0.method == "PUT" }
            }
        )
        let kept = documented.filter { !($0.method == get.method && $0.path == get.path) }
        let changed = Coverage(routes: routes, documented: kept + [("PUT", get.path)])
        #expect(changed.undocumented == ["GET \(get.path)"])
        #expect(changed.unrouted == ["PUT \(get.path)"])
    }

    /// Every operation lists what it can answer: the server's own refusals on any route, 401 and
    /// 403 with a session, 404 with a path parameter, 413 with a body, each as a problem document.
    @Test func everyOperationDocumentsEveryStatusItCanAnswer() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var checked = 0
        for (path, item) in paths {
            for (method, value) in item where Coverage.methods.contains(method) {
                let name = "\(method.uppercased()) \(path)"
                let operation = try #require(value as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: Any])
                var expected: Set<String> = ["400", "408", "413", "414", "431", "500", "503"]
                if (operation["security"] as? [Any])?.isEmpty == false { expected.formUnion(["401", "403"]) }
                if path.contains("{") { expected.insert("404") }
                for status in expected {
                    #expect(responses[status] != nil, "\(name) does not document \(status)")
                }
                for (status, response) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                    let reference = (response as? [String: Any])?["$ref"] as? String
                    let resolved = reference.flatMap { Self.resolve($0, in: document) } ?? response as? [String: Any]
                    let content = resolved?["content"] as? [String: Any]
                    #expect(
                        content?["application/problem+json"] != nil || content?["application/json"] != nil,
                        "\(name) \(status) has no problem document"
                    )
                }
                checked += 1
            }
        }
        #expect(checked > 35)
    }

    /// What a client may send is bounded and closed: every object of a request body takes no
    /// member it does not describe, every string has a pattern (or is an enumeration) and a
    /// length, every integer a range.
    @Test func everyRequestBodyIsClosedAndBounded() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var roots: [Any] = []
        for item in paths.values {
            for (method, value) in item where Coverage.methods.contains(method) {
                let body = (value as? [String: Any])?["requestBody"] as? [String: Any]
                let content = body?["content"] as? [String: Any]
                if let json = (content?["application/json"] as? [String: Any])?["schema"] { roots.append(json) }
            }
        }
        #expect(roots.count > 10)
        var seen: Set<String> = []
        var objects = 0
        var strings = 0
        func visit(_ schema: Any, _ at: String) {
            guard let schema = schema as? [String: Any] else { return }
            if let reference = schema["$ref"] as? String {
                guard seen.insert(reference).inserted, let target = Self.resolve(reference, in: document) else {
                    return
                }
                visit(target, reference)
            }
            if schema["properties"] != nil, schema["type"] as? String == "object" {
                objects += 1
                #expect(schema["additionalProperties"] as? Bool == false, "\(at): an open object in a request")
            }
            if schema["type"] as? String == "string", schema["enum"] == nil, schema["const"] == nil {
                strings += 1
                #expect(schema["pattern"] != nil, "\(at): a string without a pattern")
                #expect(schema["maxLength"] != nil || schema["format"] as? String == "date", "\(at): unbounded")
            }
            if schema["type"] as? String == "integer" {
                #expect(schema["minimum"] != nil && schema["maximum"] != nil, "\(at): an integer without a range")
            }
            for (key, member) in schema {
                if let members = member as? [String: Any], key == "properties" {
                    for (name, property) in members { visit(property, "\(at).\(name)") }
                } else if let list = member as? [Any] {
                    for branch in list { visit(branch, at) }
                } else if key == "items" || key == "additionalProperties" {
                    visit(member, at + "[]")
                }
            }
        }
        for root in roots { visit(root, "body") }
        #expect(objects > 15)
        #expect(strings > 30)
    }

    @Test func theDocumentIsOpenAPI31() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["title"] as? String == "Shebao 社会保险业务经办系统 API")
        #expect(info["version"] as? String == "1.0.0")
        #expect((document["servers"] as? [[String: Any]])?.first?["url"] as? String == "/")
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: Any])
        let bearer = try #require(schemes["bearer"] as? [String: Any])
        #expect(bearer["type"] as? String == "http")
        #expect(bearer["scheme"] as? String == "bearer")
        let schemas = try #require(components["schemas"] as? [String: Any])
        for name in [
            "Problem", "ValidationIssue", "Checks", "Effects", "Application", "ApplicationList", "ApplicationRequest",
            "PersonRegistration", "PersonChange", "EmployerRegistration", "Enrolment", "EnrolmentLine",
            "NewbornEnrolment", "EnrolmentEnd", "BaseDeclaration", "TransferOut", "TransferIn", "Voucher",
            "VoucherContent", "VerificationResult", "Person", "PersonList", "Employer", "EmployerList", "Document",
            "LoginRequest", "LoginResponse", "Me", "AuditEventList", "Inbox", "InboxMessage", "Notification",
            "NotificationList",
        ] {
            #expect(schemas[name] != nil, "no schema \(name)")
        }
    }

    @Test func everyReferenceResolves() throws {
        let document = try Self.document()
        var references: [String] = []
        Self.walk(document) { object in
            if let reference = object["$ref"] as? String { references.append(reference) }
        }
        #expect(references.count > 100)
        for reference in Set(references) {
            #expect(Self.resolve(reference, in: document) != nil, "unresolved $ref \(reference)")
        }
    }

    @Test func requiredMembersAreProperties() throws {
        var checked = 0
        Self.walk(try Self.document()) { object in
            guard let required = object["required"] as? [String],
                let properties = object["properties"] as? [String: Any]
            else { return }
            checked += 1
            for name in required {
                #expect(
                    properties[name] != nil,
                    "required \(name) is not among the properties \(properties.keys.sorted())"
                )
            }
        }
        #expect(checked > 20)
    }

    @Test func everyOperationIsComplete() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var identifiers: [String: String] = [:]
        for (path, item) in paths {
            for (method, value) in item where Coverage.methods.contains(method) {
                let name = "\(method.uppercased()) \(path)"
                let operation = try #require(value as? [String: Any], "\(name)")
                let identifier = try #require(operation["operationId"] as? String, "\(name) has no operationId")
                #expect(
                    identifiers[identifier] == nil,
                    "operationId \(identifier) of \(name) and \(identifiers[identifier] ?? "")"
                )
                identifiers[identifier] = name
                let summary = operation["summary"] as? String ?? ""
                #expect(summary.contains(" / "), "\(name): the summary is not Chinese / English")
                #expect((operation["tags"] as? [String])?.isEmpty == false, "\(name) has no tag")
                #expect(operation["security"] is [Any], "\(name) does not say its security")

                let responses = try #require(operation["responses"] as? [String: Any], "\(name) has no responses")
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(name) has no 2xx answer")
                for status in responses.keys {
                    #expect(Int(status).map { (100...599).contains($0) } == true, "\(name): status \(status)")
                }

                // Each `{name}` of the template is a path parameter, and each path parameter is in it.
                let templated = Set(
                    path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
                )
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).compactMap {
                    Self.resolve($0["$ref"] as? String ?? "", in: document) ?? $0
                }
                let declared = Set(
                    parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String }
                )
                #expect(
                    templated == declared,
                    "\(name): path parameters \(declared.sorted()), template \(templated.sorted())"
                )
            }
        }
        #expect(identifiers.count == (try Self.operations(in: document)).count)
    }

    @Test func publicRoutesNeedNoSession() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let open: Set<String> = [
            "GET /healthz", "GET /readyz", "GET /metrics", "GET /verify/{number}", "GET /api/v1/openapi.json",
            "POST /api/v1/auth/login", "POST /api/v1/auth/person/code", "POST /api/v1/auth/person/login",
        ]
        for (path, item) in paths {
            for (method, value) in item where Coverage.methods.contains(method) {
                let name = "\(method.uppercased()) \(path)"
                let security = (value as? [String: Any])?["security"] as? [Any]
                if open.contains(name) {
                    #expect(security?.isEmpty == true, "\(name) is public")
                } else {
                    #expect(security?.isEmpty == false, "\(name) needs a session")
                }
            }
        }
    }

    @Test func theRouteServesTheDocument() throws {
        let router = try Self.workerRouter()
        let response = try Self.served(by: router)
        #expect(response.status == 200)
        #expect(response.headers.first { $0.name == "Content-Type" }?.value == "application/json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
    }

    // MARK: Helpers

    /// Calls `visit` with every object in `value`, depth first.
    static func walk(_ value: Any, _ visit: ([String: Any]) -> Void) {
        if let object = value as? [String: Any] {
            visit(object)
            for member in object.values { Self.walk(member, visit) }
        } else if let array = value as? [Any] {
            for element in array { Self.walk(element, visit) }
        }
    }

    /// The object a local reference (`#/components/schemas/Problem`) points at, if any.
    static func resolve(_ reference: String, in document: [String: Any]) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = current as? [String: Any], let next = object[key] else { return nil }
            current = next
        }
        return current as? [String: Any]
    }
}

/// Where a route table and an API description disagree, both ways, as `METHOD /path/{param}`.
struct Coverage: CustomStringConvertible {
    /// The operation keys of an OpenAPI path item.
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Routes the description lacks.
    var undocumented: [String]
    /// Described operations no route serves.
    var unrouted: [String]

    /// - Parameters:
    ///   - routes: the router's methods and patterns (`/api/v1/persons/:id`).
    ///   - documented: the description's methods and path templates (`/api/v1/persons/{id}`).
    init(routes: [(method: String, pattern: String)], documented: [(method: String, path: String)]) {
        let routed = Set(routes.map { "\($0.method.uppercased()) \(Self.template($0.pattern))" })
        let described = Set(documented.map { "\($0.method.uppercased()) \($0.path)" })
        self.undocumented = routed.subtracting(described).sorted()
        self.unrouted = described.subtracting(routed).sorted()
    }

    /// A router pattern as an OpenAPI path template: `:id` and `*rest` become `{id}` and `{rest}`.
    static func template(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || segment.hasPrefix("*") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    var description: String { "undocumented: \(self.undocumented), unrouted: \(self.unrouted)" }
}
