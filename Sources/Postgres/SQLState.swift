/// A five-character SQLSTATE error code, with named constants for the codes the system reacts to.
///
/// See PostgreSQL's "Appendix A. PostgreSQL Error Codes".
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    /// The five characters, e.g. `23505`.
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The two-character class, e.g. `23` for integrity constraint violations.
    public var errorClass: Substring {
        self.rawValue.prefix(2)
    }

    public var description: String {
        if let name = Self.names[self.rawValue] {
            return "\(self.rawValue) \(name)"
        }
        return self.rawValue
    }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let checkViolation = SQLState("23514")
    public static let notNullViolation = SQLState("23502")
    public static let exclusionViolation = SQLState("23P01")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let insufficientPrivilege = SQLState("42501")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedColumn = SQLState("42703")
    public static let undefinedObject = SQLState("42704")
    public static let duplicateObject = SQLState("42710")
    public static let syntaxError = SQLState("42601")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let stringDataRightTruncation = SQLState("22001")
    public static let invalidPassword = SQLState("28P01")
    public static let invalidAuthorizationSpecification = SQLState("28000")
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let cannotConnectNow = SQLState("57P03")
    public static let lockNotAvailable = SQLState("55P03")
    public static let readOnlySQLTransaction = SQLState("25006")
    public static let inFailedSQLTransaction = SQLState("25P02")
    public static let raiseException = SQLState("P0001")

    private static let names: [String: String] = [
        "23505": "unique_violation",
        "23503": "foreign_key_violation",
        "23514": "check_violation",
        "23502": "not_null_violation",
        "23P01": "exclusion_violation",
        "40001": "serialization_failure",
        "40P01": "deadlock_detected",
        "42501": "insufficient_privilege",
        "42P01": "undefined_table",
        "42703": "undefined_column",
        "42704": "undefined_object",
        "42710": "duplicate_object",
        "42601": "syntax_error",
        "22P02": "invalid_text_representation",
        "22003": "numeric_value_out_of_range",
        "22001": "string_data_right_truncation",
        "28P01": "invalid_password",
        "28000": "invalid_authorization_specification",
        "57014": "query_canceled",
        "57P01": "admin_shutdown",
        "57P03": "cannot_connect_now",
        "55P03": "lock_not_available",
        "25006": "read_only_sql_transaction",
        "25P02": "in_failed_sql_transaction",
        "P0001": "raise_exception",
    ]
}
