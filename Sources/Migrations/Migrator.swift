public import Postgres

/// Applies migrations to a database: each file in its own transaction, recorded with its
/// checksum in `public.shebao_migration`, under an advisory lock so that any number of
/// migrators running at once apply each file exactly once.
public struct Migrator: Sendable {
    /// What a run did.
    public struct Report: Sendable {
        /// Migrations applied by this run, in order.
        public var applied: [Migration]
        /// Migrations that were already applied before this run.
        public var alreadyApplied: Int
    }

    /// Advisory lock key: "SHEBAO" in ASCII. Advisory locks are per database, so migrators of
    /// different databases on one server never wait for each other.
    static let lockKey: Int64 = 0x5348_4542_414F

    public init() {}

    /// Applies every migration not yet applied.
    ///
    /// - Parameters:
    ///   - migrations: all migrations, as ``Migration/load(directory:)`` returns them.
    ///   - connection: a connection as a user allowed to run them (see the README); no
    ///     transaction may be open on it.
    ///   - onApply: called before each migration is applied, for progress output.
    /// - Returns: what was applied.
    /// - Throws: ``MigrationError`` (a changed or missing file stops the run before anything is
    ///   applied; a failing file is rolled back and stops the run), or ``PostgresError``.
    public func migrate(
        _ migrations: [Migration],
        on connection: PostgresConnection,
        onApply: (Migration) -> Void = { _ in }
    ) throws -> Report {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer {
            // best effort: the lock dies with the session anyway
            _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey])
        }
        try connection.execute(
            unsafeScript: """
                SET client_min_messages = warning;
                CREATE TABLE IF NOT EXISTS public.shebao_migration (
                    version      integer     PRIMARY KEY CHECK (version > 0),
                    name         text        NOT NULL,
                    checksum     text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
                    applied_at   timestamptz NOT NULL DEFAULT now(),
                    applied_by   text        NOT NULL DEFAULT current_user,
                    execution_ms integer     NOT NULL
                );
                RESET client_min_messages;
                """
        )
        let applied = try self.appliedMigrations(on: connection)
        let pending = try self.pending(migrations, applied: applied)
        var report = Report(applied: [], alreadyApplied: applied.count)
        for migration in pending {
            onApply(migration)
            let started = ContinuousClock.now
            do {
                try connection.withTransaction { tx in
                    try tx.execute(unsafeScript: migration.sql)
                    let elapsed = ContinuousClock.now - started
                    let milliseconds =
                        elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
                    // A file may SET ROLE for its own objects; the record is written as the migrator.
                    try tx.execute(unsafeScript: "RESET ROLE")
                    try tx.execute(
                        "INSERT INTO public.shebao_migration (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)",
                        [migration.version, migration.name, migration.checksum, Int(milliseconds)]
                    )
                }
            } catch {
                throw MigrationError(
                    code: .failed,
                    version: migration.version,
                    fileName: migration.fileName,
                    underlying: error
                )
            }
            report.applied.append(migration)
        }
        return report
    }

    /// The applied migrations' versions and checksums, without applying anything.
    public func appliedMigrations(on connection: PostgresConnection) throws -> [Int: (name: String, checksum: String)] {
        let exists = try connection.query("SELECT to_regclass('public.shebao_migration') IS NOT NULL").single()
        guard try exists.decode(0, as: Bool.self) else {
            return [:]
        }
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in try connection.query("SELECT version, name, checksum FROM public.shebao_migration ORDER BY version")
        {
            applied[try row.decode(0)] = (try row.decode(1), try row.decode(2))
        }
        return applied
    }

    /// The migrations still to apply, after checking the applied ones against the files.
    func pending(_ migrations: [Migration], applied: [Int: (name: String, checksum: String)]) throws -> [Migration] {
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else {
                throw MigrationError(
                    code: .missingFile,
                    version: version,
                    fileName:
                        "\(String(repeating: "0", count: max(0, 4 - String(version).count)))\(version)_\(record.name).sql"
                )
            }
            guard file.checksum == record.checksum else {
                throw MigrationError(code: .checksumMismatch, version: version, fileName: file.fileName)
            }
        }
        let newest = applied.keys.max() ?? 0
        let pending = migrations.filter { applied[$0.version] == nil }
        if let early = pending.first(where: { $0.version < newest }) {
            throw MigrationError(code: .outOfOrder, version: early.version, fileName: early.fileName)
        }
        return pending
    }
}
