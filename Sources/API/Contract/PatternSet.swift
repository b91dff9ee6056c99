import Synchronization

/// The `pattern`s of the text a request may carry. Every string the API takes has one: its own
/// (`^[0-9]{17}[0-9X]$`), or one of these two, so that no string with a NUL (which PostgreSQL
/// text cannot hold) or another control character reaches a statement, and the description
/// says so.
enum TextPattern {
    /// One line: no C0 control character, no DEL, and no U+FFFD (what bytes that were not UTF-8
    /// became on the way in).
    static let line = "^[^\\u0000-\\u001F\\u007F\\uFFFD]*$"
    /// Several lines (reasons): tabs and line breaks, and no other control character.
    static let lines = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\uFFFD]*$"

    /// Whether `pattern` is one of the two above, which answer as a control character.
    static func isControlFree(_ pattern: String) -> Bool {
        pattern == Self.line || pattern == Self.lines
    }
}

/// The compiled `pattern`s of the API description, each compiled the first time it is used.
final class PatternSet: Sendable {
    /// One compiled pattern.
    final class Compiled: @unchecked Sendable {
        // @unchecked: `Regex` is not Sendable because its output type need not be. This one is
        // compiled and run once here (`init`), which lowers its program; matching afterwards
        // reads that program and changes nothing, so handler threads may share it.
        let regex: Regex<AnyRegexOutput>

        init(_ pattern: String) {
            do {
                self.regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
            } catch {
                preconditionFailure("the API description has a pattern Swift cannot compile: \(pattern): \(error)")
            }
            _ = try? self.regex.firstMatch(in: "")
        }

        func matches(_ text: String) -> Bool {
            ((try? self.regex.firstMatch(in: text)) ?? nil) != nil
        }
    }

    private let compiled = Mutex<[String: Compiled]>([:])

    /// Whether `pattern` finds a match in `text` (JSON Schema's `pattern` is not anchored: the
    /// patterns anchor themselves).
    func matches(_ pattern: String, _ text: String) -> Bool {
        let regex = self.compiled.withLock { compiled in
            if let regex = compiled[pattern] { return regex }
            let regex = Compiled(pattern)
            compiled[pattern] = regex
            return regex
        }
        return regex.matches(text)
    }
}
