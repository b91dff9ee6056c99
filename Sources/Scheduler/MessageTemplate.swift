internal import Foundation

/// A message text with `{name}` placeholders, filled from an outbox row's payload
/// (`shebao.notification_template`).
public enum MessageTemplate {
    /// A placeholder with no value in the payload, or a brace that opens no placeholder.
    public struct RenderError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Fills every `{name}` of `text` from `values`.
    ///
    /// - Throws: ``RenderError`` naming a placeholder missing from `values`, or an unclosed `{`.
    public static func render(_ text: String, values: [String: String]) throws(RenderError) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else {
                throw RenderError(description: "an unclosed placeholder")
            }
            let name = String(rest[afterOpen..<close])
            guard let value = values[name] else {
                throw RenderError(description: "no value for the placeholder {\(name)}")
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The payload of an outbox row (a JSON object) as strings: strings as they are, numbers and
    /// booleans in their JSON form; members of other types are left out.
    ///
    /// - Throws: ``RenderError`` when `json` is not a JSON object.
    public static func values(ofPayload json: String) throws(RenderError) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw RenderError(description: "the payload is not a JSON object")
        }
        var values: [String: String] = [:]
        for (name, value) in object {
            switch value {
            case let text as String: values[name] = text
            case let number as Int: values[name] = String(number)
            case let number as Double: values[name] = String(number)
            case let flag as Bool: values[name] = flag ? "true" : "false"
            default: continue
            }
        }
        return values
    }
}
