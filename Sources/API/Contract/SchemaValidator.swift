import Domain

/// Checks request values against the JSON Schemas of the API description, the same schema values
/// the document publishes: what a generated client refuses, the server refuses, and the other way
/// round.
///
/// It knows the keywords the description uses: `$ref` (to `#/components/schemas/…`), `type` (one
/// or a list), `enum`, `const`, `properties`, `required`, `additionalProperties` (`false`),
/// `items`, `minItems`, `maxItems`, `minLength`, `maxLength` (in Unicode scalars, as JSON Schema
/// counts), `pattern` (searched, as JSON Schema does, on Unicode scalars), `minimum`, `maximum`,
/// `format` (`date` checked as a calendar date, `int32` and `int64` as ranges; the others are
/// annotations), `anyOf`, `oneOf` and `allOf`. Every issue is reported, each at its member's path
/// (`payload.enrolments[0].startPeriod`), in the order of the paths.
struct SchemaValidator: Sendable {
    /// `components.schemas`, which `$ref`s point into.
    let schemas: [String: OpenAPI.JSONValue]
    let patterns = PatternSet()

    /// At most this many issues are reported for one value: enough to correct a form, bounded for
    /// a hostile body.
    static let maxIssues = 100

    /// The validator of the API description's schemas.
    static let shared = SchemaValidator(schemas: OpenAPI.Schemas.all)

    /// The issues of `value` against `schema`, found at `path` and below.
    func issues(_ value: JSONInput, _ schema: OpenAPI.JSONValue, at path: String = "") -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        self.check(value, schema, path, &issues)
        issues.sort { $0.field < $1.field }
        return Array(issues.prefix(Self.maxIssues))
    }

    private func resolved(_ schema: OpenAPI.JSONValue) -> [String: OpenAPI.JSONValue] {
        var members = schema.members
        // A `$ref` beside other keywords applies both (JSON Schema 2020-12 §8.2.3.1).
        while case .string(let reference)? = members.removeValue(forKey: "$ref") {
            let name = reference.split(separator: "/").last.map(String.init) ?? ""
            guard let target = self.schemas[name] else {
                preconditionFailure("the API description refers to an unknown schema \(reference)")
            }
            members = target.members.merging(members) { _, own in own }
        }
        return members
    }

    private func check(
        _ value: JSONInput,
        _ schema: OpenAPI.JSONValue,
        _ path: String,
        _ issues: inout [ValidationIssue]
    ) {
        guard issues.count < Self.maxIssues else { return }
        let schema = self.resolved(schema)
        if let types = Self.types(schema["type"]) {
            guard value.typeNames.contains(where: types.contains) else {
                issues.append(
                    ValidationIssue(
                        field: path,
                        code: .wrongType,
                        arguments: ["expected": types.joined(separator: ",")]
                    )
                )
                return
            }
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(where: { Self.equal($0, value) }) {
            issues.append(Self.notAllowed(path, allowed))
            return
        }
        if let constant = schema["const"], !Self.equal(constant, value) {
            issues.append(Self.notAllowed(path, [constant]))
            return
        }
        switch value {
        case .string(let text): self.checkString(text, schema, path, &issues)
        case .integer, .number: Self.checkNumber(value, schema, path, &issues)
        case .array(let items): self.checkArray(items, schema, path, &issues)
        case .object(let members): self.checkObject(members, schema, path, &issues)
        case .null, .bool: break
        }
        if case .array(let branches)? = schema["allOf"] {
            for branch in branches { self.check(value, branch, path, &issues) }
        }
        if case .array(let branches)? = schema["anyOf"] {
            self.checkBranches(value, branches, path, exactlyOne: false, &issues)
        }
        if case .array(let branches)? = schema["oneOf"] {
            self.checkBranches(value, branches, path, exactlyOne: true, &issues)
        }
    }

    private func checkString(
        _ text: String,
        _ schema: [String: OpenAPI.JSONValue],
        _ path: String,
        _ issues: inout [ValidationIssue]
    ) {
        let length = text.unicodeScalars.count
        if case .integer(let minimum)? = schema["minLength"], length < minimum {
            issues.append(ValidationIssue(field: path, code: .tooShort, arguments: ["min": "\(minimum)"]))
        }
        if case .integer(let maximum)? = schema["maxLength"], length > maximum {
            issues.append(ValidationIssue(field: path, code: .tooLong, arguments: ["max": "\(maximum)"]))
        }
        if case .string(let pattern)? = schema["pattern"], !self.patterns.matches(pattern, text) {
            issues.append(
                TextPattern.isControlFree(pattern)
                    ? ValidationIssue(field: path, code: .controlCharacter)
                    : ValidationIssue(field: path, code: .patternMismatch, arguments: ["pattern": pattern])
            )
        }
        if case .string("date")? = schema["format"], CalendarDate(iso: text) == nil || text.utf8.count != 10 {
            issues.append(ValidationIssue(field: path, code: .invalidDate))
        }
    }

    private static func checkNumber(
        _ value: JSONInput,
        _ schema: [String: OpenAPI.JSONValue],
        _ path: String,
        _ issues: inout [ValidationIssue]
    ) {
        var minimum = Self.bound(schema["minimum"])
        var maximum = Self.bound(schema["maximum"])
        if case .string("int32")? = schema["format"] {
            minimum = max(minimum ?? Int64(Int32.min), Int64(Int32.min))
            maximum = min(maximum ?? Int64(Int32.max), Int64(Int32.max))
        }
        let isInside: Bool
        if let integer = value.integerValue {
            isInside = (minimum.map { integer >= $0 } ?? true) && (maximum.map { integer <= $0 } ?? true)
        } else if let number = value.numberValue {
            // A fraction, or an integer beyond 64 bits (which no `integer` schema takes: every one
            // is an int32 or an int64).
            isInside =
                schema["type"] != .string("integer") && (minimum.map { number >= Double($0) } ?? true)
                && (maximum.map { number <= Double($0) } ?? true)
        } else {
            return
        }
        if !isInside {
            issues.append(
                ValidationIssue(
                    field: path,
                    code: .outOfRange,
                    arguments: [
                        "min": "\(minimum ?? (schema["type"] == .string("integer") ? Int64.min : 0))",
                        "max": "\(maximum ?? Int64.max)",
                    ]
                )
            )
        }
    }

    private func checkArray(
        _ items: [JSONInput],
        _ schema: [String: OpenAPI.JSONValue],
        _ path: String,
        _ issues: inout [ValidationIssue]
    ) {
        if case .integer(let minimum)? = schema["minItems"], items.count < minimum {
            issues.append(ValidationIssue(field: path, code: .tooFewItems, arguments: ["min": "\(minimum)"]))
        }
        if case .integer(let maximum)? = schema["maxItems"], items.count > maximum {
            issues.append(ValidationIssue(field: path, code: .tooManyItems, arguments: ["max": "\(maximum)"]))
            return
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                self.check(item, itemSchema, "\(path)[\(index)]", &issues)
            }
        }
    }

    private func checkObject(
        _ members: [String: JSONInput],
        _ schema: [String: OpenAPI.JSONValue],
        _ path: String,
        _ issues: inout [ValidationIssue]
    ) {
        let properties = schema["properties"]?.members ?? [:]
        if case .array(let required)? = schema["required"] {
            for case .string(let name) in required where members[name] == nil {
                issues.append(ValidationIssue(field: Self.member(path, name), code: .required))
            }
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                self.check(member, property, Self.member(path, name), &issues)
            } else if case .bool(false)? = schema["additionalProperties"] {
                issues.append(ValidationIssue(field: Self.member(path, name), code: .unknownField))
            } else if let additional = schema["additionalProperties"], additional.members.isEmpty == false {
                self.check(member, additional, Self.member(path, name), &issues)
            }
        }
    }

    /// `anyOf` (at least one branch) or `oneOf` (exactly one). Branches that pin a member with
    /// `const` (the application's `type`) are told apart by it: only the branch the value names is
    /// checked, so that its issues are the ones reported. Otherwise, when no branch holds, the
    /// issues of the branch that came closest are.
    private func checkBranches(
        _ value: JSONInput,
        _ branches: [OpenAPI.JSONValue],
        _ path: String,
        exactlyOne: Bool,
        _ issues: inout [ValidationIssue]
    ) {
        if case .object(let members) = value, let (key, constants) = self.discriminator(branches) {
            // A missing or unknown discriminator is reported by the member's own schema.
            guard let named = members[key], let index = constants.firstIndex(where: { Self.equal($0, named) }) else {
                return
            }
            self.check(value, branches[index], path, &issues)
            return
        }
        let outcomes = branches.map { self.issues(value, $0, at: path) }
        let holding = outcomes.filter(\.isEmpty).count
        if holding == 1 || (holding > 1 && !exactlyOne) { return }
        if holding > 1 {
            issues.append(ValidationIssue(field: path, code: .shapeMismatch))
            return
        }
        issues += outcomes.min { $0.count < $1.count } ?? [ValidationIssue(field: path, code: .shapeMismatch)]
    }

    /// The member every branch pins with a `const`, and each branch's constant.
    private func discriminator(_ branches: [OpenAPI.JSONValue]) -> (String, [OpenAPI.JSONValue])? {
        guard let first = branches.first else { return nil }
        for (key, property) in self.resolved(first)["properties"]?.members ?? [:] where property.members["const"] != nil
        {
            let constants = branches.compactMap { self.resolved($0)["properties"]?.members[key]?.members["const"] }
            if constants.count == branches.count { return (key, constants) }
        }
        return nil
    }

    // MARK: Helpers

    private static func types(_ keyword: OpenAPI.JSONValue?) -> [String]? {
        switch keyword {
        case .string(let type)?: [type]
        case .array(let types)?: types.compactMap { if case .string(let type) = $0 { type } else { nil } }
        default: nil
        }
    }

    /// `path.name`. A member's name is the client's text, which no schema checked: a control
    /// character or U+FFFD in it is written as its JSON escape (`\u0007`), so that a path is one
    /// line of printable text, as an issue's `field` is described.
    private static func member(_ path: String, _ name: String) -> String {
        var printable = ""
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFD {
                let hex = String(scalar.value, radix: 16, uppercase: false)
                printable += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                printable.unicodeScalars.append(scalar)
            }
        }
        return path.isEmpty ? printable : "\(path).\(printable)"
    }

    private static func notAllowed(_ path: String, _ allowed: [OpenAPI.JSONValue]) -> ValidationIssue {
        let values = allowed.map { value -> String in
            switch value {
            case .string(let text): text
            case .integer(let number): "\(number)"
            case .bool(let flag): "\(flag)"
            case .null: "null"
            case .object, .array: "…"
            }
        }
        return ValidationIssue(field: path, code: .notAllowed, arguments: ["allowed": values.joined(separator: ",")])
    }

    /// Whether a schema's literal and a request's value are the same JSON value.
    static func equal(_ literal: OpenAPI.JSONValue, _ value: JSONInput) -> Bool {
        switch (literal, value) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.integer(let a), _): value.integerValue == Int64(a)
        default: false
        }
    }

    private static func bound(_ keyword: OpenAPI.JSONValue?) -> Int64? {
        if case .integer(let value)? = keyword { return Int64(value) }
        return nil
    }
}
