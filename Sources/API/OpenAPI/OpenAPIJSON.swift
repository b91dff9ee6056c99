import Foundation

extension OpenAPI {
    /// A JSON value of the API description, written as Swift literals: `["type": "string"]`.
    ///
    /// Objects are dictionaries (a repeated key in a literal traps, and the test that builds the
    /// document catches it); they are written with sorted keys.
    indirect enum JSONValue: Sendable, Equatable, Encodable, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral,
        ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral
    {
        case object([String: JSONValue])
        case array([JSONValue])
        case string(String)
        case integer(Int)
        case bool(Bool)
        case null

        init(dictionaryLiteral elements: (String, JSONValue)...) {
            self = .object(Dictionary(uniqueKeysWithValues: elements))
        }

        init(arrayLiteral elements: JSONValue...) {
            self = .array(elements)
        }

        init(stringLiteral value: String) {
            self = .string(value)
        }

        init(integerLiteral value: Int) {
            self = .integer(value)
        }

        init(booleanLiteral value: Bool) {
            self = .bool(value)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .object(let members): try container.encode(members)
            case .array(let elements): try container.encode(elements)
            case .string(let text): try container.encode(text)
            case .integer(let number): try container.encode(number)
            case .bool(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }

        /// The members of an object; empty for any other value.
        var members: [String: JSONValue] {
            if case .object(let members) = self { return members }
            return [:]
        }

        /// This object with `members` added (replacing members of the same name).
        func merging(_ members: [String: JSONValue]) -> JSONValue {
            .object(self.members.merging(members) { _, new in new })
        }

        /// The UTF-8 bytes: pretty-printed, keys sorted, slashes and non-ASCII characters as they are.
        func encoded() throws -> [UInt8] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(self))
        }
    }

    /// JSON Schema 2020-12 (the dialect of OpenAPI 3.1) in a few words.
    enum Schema {
        /// `#/components/schemas/<name>`.
        static func ref(_ name: String) -> JSONValue {
            ["$ref": "#/components/schemas/\(name)"]
        }

        /// A string. Unless it has a `pattern` of its own, it takes the one of ``TextPattern``: one
        /// line, or several when `lines`, and never a control character.
        static func string(
            _ description: String? = nil,
            format: String? = nil,
            pattern: String? = nil,
            minLength: Int? = nil,
            maxLength: Int? = nil,
            lines: Bool = false,
            example: String? = nil
        ) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "string"]
            schema["description"] = description.map(JSONValue.string)
            schema["format"] = format.map(JSONValue.string)
            schema["pattern"] = .string(pattern ?? (lines ? TextPattern.lines : TextPattern.line))
            schema["minLength"] = minLength.map(JSONValue.integer)
            schema["maxLength"] = maxLength.map(JSONValue.integer)
            schema["examples"] = example.map { [.string($0)] }
            return .object(schema)
        }

        /// A string of one of `values`.
        static func oneOf(_ values: [String], _ description: String? = nil) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "string", "enum": .array(values.map(JSONValue.string))]
            schema["description"] = description.map(JSONValue.string)
            return .object(schema)
        }

        /// A 64-bit integer (an ID, an amount in fen), or a 32-bit one with `format: "int32"`. Its
        /// range is always written, the format's when no other is given, so that no client sends a
        /// number the server cannot hold.
        static func integer(
            _ description: String? = nil,
            minimum: Int? = nil,
            maximum: Int? = nil,
            format: String = "int64"
        ) -> JSONValue {
            let isNarrow = format == "int32"
            var schema: [String: JSONValue] = [
                "type": "integer", "format": .string(format),
                "minimum": .integer(minimum ?? (isNarrow ? Int(Int32.min) : Int.min)),
                "maximum": .integer(maximum ?? (isNarrow ? Int(Int32.max) : Int.max)),
            ]
            schema["description"] = description.map(JSONValue.string)
            return .object(schema)
        }

        /// A period `YYYYMM` as an integer.
        static func period(_ description: String) -> JSONValue {
            Self.integer(description + " (YYYYMM)", minimum: 190001, maximum: 999912, format: "int32")
        }

        /// An ID: a positive 64-bit integer.
        static func id(_ description: String? = nil) -> JSONValue {
            Self.integer(description, minimum: 1)
        }

        static func boolean(_ description: String? = nil) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "boolean"]
            schema["description"] = description.map(JSONValue.string)
            return .object(schema)
        }

        /// An ISO 8601 time.
        static func dateTime(_ description: String? = nil) -> JSONValue {
            Self.string(description, format: "date-time")
        }

        static func array(
            _ items: JSONValue,
            _ description: String? = nil,
            minItems: Int? = nil,
            maxItems: Int? = nil
        ) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "array", "items": items]
            schema["description"] = description.map(JSONValue.string)
            schema["minItems"] = minItems.map(JSONValue.integer)
            schema["maxItems"] = maxItems.map(JSONValue.integer)
            return .object(schema)
        }

        /// An object a client sends: its `required` members must be present, others may be left
        /// out, and no member outside `properties` is taken (`additionalProperties: false`).
        static func object(
            _ properties: KeyValuePairs<String, JSONValue>,
            required: [String] = [],
            description: String? = nil,
            isClosed: Bool = true
        ) -> JSONValue {
            var schema: [String: JSONValue] = [
                "type": "object",
                "properties": .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.key, $0.value) })),
            ]
            if !required.isEmpty {
                schema["required"] = .array(required.map(JSONValue.string))
            }
            if isClosed {
                schema["additionalProperties"] = false
            }
            schema["description"] = description.map(JSONValue.string)
            return .object(schema)
        }

        /// An object the server writes: every member is always there (`null` when it has no value),
        /// except those in `optional`.
        static func record(
            _ properties: KeyValuePairs<String, JSONValue>,
            optional: [String] = [],
            description: String? = nil
        ) -> JSONValue {
            Self.object(
                properties,
                required: properties.map(\.key).filter { !optional.contains($0) },
                description: description,
                isClosed: false
            )
        }

        /// `schema` or `null`.
        static func nullable(_ schema: JSONValue) -> JSONValue {
            var members = schema.members
            switch members["type"] {
            case .string(let type)?:
                members["type"] = [.string(type), "null"]
                if case .array(let values)? = members["enum"] {
                    members["enum"] = .array(values + [.null])
                }
                return .object(members)
            default:
                return ["anyOf": [schema, ["type": "null"]]]
            }
        }
    }
}
