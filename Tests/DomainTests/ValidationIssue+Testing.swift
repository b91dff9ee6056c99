import Domain

extension Array where Element == ValidationIssue {
    /// Each issue as `field code`, or `field code (warning)`, for comparing with a table.
    var summary: [String] {
        self.map { issue in
            "\(issue.field) \(issue.code.rawValue)" + (issue.severity == .warning ? " (warning)" : "")
        }
    }
}
