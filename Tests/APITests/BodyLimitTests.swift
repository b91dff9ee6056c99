import Business
import HTTP1
import Postgres
import Testing

@testable import API
@testable import HTTPServer

/// The body limit of a route never refuses what its schema takes: the largest body the schema
/// allows, written as compact JSON with every character escaped as a client's encoder may
/// escape it (`\ud83d\ude00`, twelve bytes for a character outside the BMP), fits the limit.
@Suite struct BodyLimitTests {
    /// The bytes of a character at worst: a surrogate pair of `\uXXXX` escapes.
    static let characterBytes = 12

    /// The largest compact JSON of `schema`; nil when it is unbounded.
    static func largest(_ schema: OpenAPI.JSONValue, _ schemas: [String: OpenAPI.JSONValue]) -> Int? {
        var members = schema.members
        if case .string(let reference)? = members["$ref"] {
            guard let target = schemas[String(reference.split(separator: "/").last ?? "")] else { return nil }
            members = target.members.merging(members) { _, own in own }
        }
        var sizes: [Int] = []
        for keyword in ["anyOf", "oneOf"] {
            if case .array(let branches)? = members[keyword] {
                for branch in branches where !branch.members.isEmpty {
                    guard branch.members["properties"] != nil || branch.members["$ref"] != nil else { continue }
                    guard let size = Self.largest(branch, schemas) else { return nil }
                    sizes.append(size)
                }
            }
        }
        if let constant = members["const"] {
            let size = if case .string(let text) = constant { text.utf8.count + 2 } else { 20 }
            sizes.append(size)
        }
        if case .array(let values)? = members["enum"] {
            sizes.append(values.map { if case .string(let text) = $0 { text.utf8.count + 2 } else { 20 } }.max() ?? 0)
        }
        // A branch of `oneOf` that gives only properties is an object's.
        let type = members["type"] ?? (members["properties"] != nil ? .string("object") : nil)
        switch type {
        case .string("string")?:
            if members["enum"] == nil {
                guard case .integer(let length)? = members["maxLength"] else {
                    // A date, or a pattern of a fixed length: bounded by its pattern.
                    return members["format"] == .string("date") ? 2 + 10 * Self.characterBytes : nil
                }
                sizes.append(2 + length * Self.characterBytes)
            }
        case .string("integer")?, .string("number")?:
            sizes.append(20)
        case .string("boolean")?:
            sizes.append(5)
        case .string("array")?:
            guard case .integer(let count)? = members["maxItems"], let items = members["items"],
                let item = Self.largest(items, schemas)
            else { return nil }
            sizes.append(2 + count * (item + 1))
        case .string("object")?:
            var total = 2
            for (name, property) in members["properties"]?.members ?? [:] {
                guard let size = Self.largest(property, schemas) else { return nil }
                total += name.utf8.count * Self.characterBytes + 3 + size + 1
            }
            sizes.append(total)
        case nil:
            // No schema of its own (a member the `oneOf` beside it gives its shape): the
            // branches' sizes count.
            if sizes.isEmpty { return members.keys.allSatisfy { $0 == "description" } ? 0 : nil }
        default:
            break
        }
        return sizes.max()
    }

    @Test func everyRouteTakesTheLargestBodyItsSchemaAllows() throws {
        var api = APIRouter()
        let database = PostgresClient(
            configuration: .init(host: "127.0.0.1", port: 1, user: "nobody", database: "none")
        )
        defer { database.close() }
        APIRoutes.register(on: &api, authenticator: try Authenticator(database: database, settings: .init()))
        let schemas = OpenAPI.Schemas.all
        var checked = 0
        for operation in api.operations {
            guard case .json(let name, _) = operation.requestBody else { continue }
            guard let largest = Self.largest(OpenAPI.Schema.ref(name), schemas) else {
                Issue.record("\(operation.id): \(name) is unbounded")
                continue
            }
            let limit = operation.maxBodyBytes ?? HTTPLimits().maxBodyLength
            #expect(largest <= limit, "\(operation.id): \(name) may be \(largest) bytes, the route takes \(limit)")
            checked += 1
        }
        #expect(checked > 10)
    }
}
