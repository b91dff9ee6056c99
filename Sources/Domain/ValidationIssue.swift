/// How much an issue found by the checks weighs: an error blocks submission, a warning is shown
/// and recorded but lets the application go on.
public enum Severity: String, Sendable, Hashable, Codable {
    case error
    case warning
}

/// The language of messages: Chinese unless the client asks for English.
public enum Language: String, Sendable, Hashable {
    case zh = "zh-CN"
    case en
}

/// One finding of the accuracy or compliance checks, about one field of the payload.
///
/// `field` is the payload path in the API's spelling (`citizenId`, `enrolments[0].declaredWageFen`);
/// `code` is stable for clients; `arguments` fill the message (figures, office codes), and never
/// hold personal data beyond what the request itself carried.
public struct ValidationIssue: Sendable, Hashable {
    public var field: String
    public var code: IssueCode
    public var severity: Severity
    public var arguments: [String: String]

    public init(field: String, code: IssueCode, severity: Severity = .error, arguments: [String: String] = [:]) {
        self.field = field
        self.code = code
        self.severity = severity
        self.arguments = arguments
    }

    /// The human text in `language`, with the arguments filled in.
    public func message(_ language: Language) -> String {
        IssueMessages.text(self.code, self.arguments, language)
    }
}

extension Array where Element == ValidationIssue {
    /// Whether any issue blocks submission.
    public var hasErrors: Bool { self.contains { $0.severity == .error } }
}
