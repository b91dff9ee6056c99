public import Postgres

/// Creating databases and login roles, which SQL cannot do with bind parameters: identifiers
/// and passwords are quoted by the server's own `format('%I', …)` and `format('%L', …)` from
/// bound values, never spliced in Swift.
public enum DatabaseBootstrap {
    /// Creates `name` unless it exists.
    ///
    /// - Parameters:
    ///   - template: the database to copy (`CREATE DATABASE … TEMPLATE`), if any.
    ///   - owner: the role to own it, if any.
    /// - Returns: whether it was created.
    @discardableResult
    public static func createDatabaseIfMissing(
        _ name: String,
        template: String? = nil,
        owner: String? = nil,
        on connection: PostgresConnection
    ) throws -> Bool {
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        guard exists.isEmpty else { return false }
        do {
            try Self.executeFormatted(
                """
                SELECT format('CREATE DATABASE %I', $1::text)
                    || CASE WHEN $2::text IS NULL THEN '' ELSE format(' TEMPLATE %I', $2::text) END
                    || CASE WHEN $3::text IS NULL THEN '' ELSE format(' OWNER %I', $3::text) END
                """,
                [name, template, owner],
                on: connection
            )
        } catch let error as PostgresError where error.sqlState == SQLState("42P04") {
            return false  // created meanwhile by someone else
        }
        return true
    }

    /// Drops `name` if it exists, ending its sessions first.
    public static func dropDatabaseIfExists(_ name: String, on connection: PostgresConnection) throws {
        try Self.executeFormatted(
            "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text)",
            [name],
            on: connection
        )
    }

    /// Makes `name` a login role with `password`, a member of `memberOf`; updates the password if
    /// the role exists. The role gets no other attribute.
    public static func ensureLoginRole(
        _ name: String,
        password: String,
        memberOf: String,
        on connection: PostgresConnection
    ) throws {
        let exists = try !connection.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]).isEmpty
        try Self.executeFormatted(
            exists
                ? "SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)"
                : "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)",
            [name, password],
            on: connection
        )
        try Self.executeFormatted(
            "SELECT format('GRANT %I TO %I', $1::text, $2::text)",
            [memberOf, name],
            on: connection
        )
    }

    /// Runs the utility statement that `builder` (a `SELECT format(…)` over bound values)
    /// returns: the server quotes the identifiers and literals, nothing is spliced in Swift.
    private static func executeFormatted(
        _ builder: String,
        _ binds: [(any PostgresEncodable)?],
        on connection: PostgresConnection
    ) throws {
        let statement = try connection.query(builder, binds).single().decode(0, as: String.self)
        try connection.execute(unsafeScript: statement)
    }
}
