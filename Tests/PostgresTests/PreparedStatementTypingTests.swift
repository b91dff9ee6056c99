import Postgres
import TestSupport
import Testing

/// A prepared statement is typed by its own text, whatever values the call that prepares it
/// binds: each connection prepares it on first use, and that use may be any of them.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PreparedStatementTypingTests {
    /// `$1` is an `integer` by its cast, and `make_interval(days =>)` takes only one: an `Int`
    /// bound first (a bigint) must not make the statement a bigint's.
    static let interval = PreparedStatement(
        "SELECT $1::integer IS NULL AS absent, now() - make_interval(days => $1) <= now() AS past"
    )

    @Test func anIntegerFirstThenNothingThenAnIntegerAgain() throws {
        try TestDatabase.shared().withConnection { connection in
            for value in [3, nil, 0, nil, 3650] as [Int?] {
                let row = try connection.query(Self.interval, [value]).single()
                #expect(try row.decode("absent", as: Bool.self) == (value == nil))
                #expect(try row.decode("past", as: Bool?.self) == (value == nil ? nil : true))
            }
        }
    }

    @Test func nothingFirstThenAnInteger() throws {
        try TestDatabase.shared().withConnection { connection in
            for value in [nil, 7] as [Int?] {
                let row = try connection.query(Self.interval, [value]).single()
                #expect(try row.decode("absent", as: Bool.self) == (value == nil))
            }
        }
    }
}
