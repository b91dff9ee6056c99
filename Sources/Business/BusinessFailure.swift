public import Domain
public import Postgres

/// Why a business operation refused, in both languages, with the validation issues when there
/// are any. What kind of refusal it is says what the caller may do next; the API renders each
/// kind as its HTTP status, the scheduler as a job's outcome.
public struct BusinessFailure: Error, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The data did not pass the checks (`issues` say where).
        case invalid
        /// No such record in the caller's offices (or none at all: the two are not told apart).
        case notFound
        /// The caller may not do this: a role, the maker-checker rule, an operator-only step.
        case forbidden
        /// The record's state does not allow it, or the records changed since they were read.
        case conflict
        /// The caller's copy is not the current one: `version` is the record's version now.
        case stale(version: String)
        /// A change that must say which version it changes did not.
        case versionRequired
        /// The request is understood but refused by a rule it breaks (a constraint, a document
        /// that is not of a kind taken).
        case unprocessable
        /// The content is of a kind not taken.
        case unsupportedContent
        /// A concurrent change won; the same call again may succeed after `retryAfterSeconds`.
        case busy(retryAfterSeconds: Int)
        /// A stored record the code cannot read: a fault, not the caller's.
        case corrupt
    }

    public var kind: Kind
    public var zh: String
    public var en: String
    public var issues: [ValidationIssue]

    public init(_ kind: Kind, zh: String, en: String, issues: [ValidationIssue] = []) {
        self.kind = kind
        self.zh = zh
        self.en = en
        self.issues = issues
    }

    /// The text in `language`.
    public func message(_ language: Language) -> String {
        language == .en ? self.en : self.zh
    }

    /// `issues`, of which at least one is an error.
    public static func invalid(_ issues: [ValidationIssue]) -> BusinessFailure {
        BusinessFailure(.invalid, zh: "提交的数据未通过校验", en: "the data did not pass the checks", issues: issues)
    }

    /// No record of the kind named (`zh`, `en`) in the caller's offices.
    public static func notFound(_ zh: String, _ en: String) -> BusinessFailure {
        BusinessFailure(.notFound, zh: "未找到\(zh)", en: "no such \(en) in your offices")
    }

    /// The caller may not: `zh` and `en` say why.
    public static func forbidden(_ zh: String, _ en: String) -> BusinessFailure {
        BusinessFailure(.forbidden, zh: zh, en: en)
    }

    /// The database's refusals that are answers to the caller (a race lost to a uniqueness
    /// rule, a broken constraint, a row outside the scope, a serialization failure), or nil for
    /// one that is a fault.
    public init?(_ error: PostgresError) {
        switch error.sqlState?.rawValue {
        case "23505":
            self.init(
                .conflict,
                zh: "与已有记录冲突（\(error.constraint ?? "唯一性约束")），请刷新后重试",
                en: "conflicts with an existing record (\(error.constraint ?? "unique rule")); refresh and retry"
            )
        case "23514", "23502", "22P02", "22023", "23503":
            self.init(
                .unprocessable,
                zh: "数据不符合规则（\(error.constraint ?? "约束")）",
                en: "the data breaks a rule (\(error.constraint ?? "constraint"))"
            )
        case "42501":
            self.init(.notFound, zh: "未找到，或不在您的经办机构范围内", en: "not found in your offices")
        case "55000":
            self.init(.conflict, zh: "当前状态不允许此操作", en: error.message ?? "not in a state that allows this")
        case "40001", "40P01":
            self.init(.busy(retryAfterSeconds: 1), zh: "并发冲突，请稍后重试", en: "a concurrent change won; retry")
        default:
            return nil
        }
    }
}
