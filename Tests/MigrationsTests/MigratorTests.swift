import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct MigratorTests {
    private func migration(_ version: Int, _ sql: String) -> Migration {
        Migration(
            version: version,
            name: "step\(version)",
            fileName: String(format: "%04d_step%d.sql", version, version),
            sql: sql
        )
    }

    private var sample: [Migration] {
        [
            self.migration(
                1,
                "CREATE TABLE effect (version int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp()); INSERT INTO effect VALUES (1);"
            ),
            self.migration(2, "SELECT pg_sleep(0.3); INSERT INTO effect VALUES (2);"),
            self.migration(3, "INSERT INTO effect VALUES (3);"),
        ]
    }

    @Test func appliesInOrderOnceAndASecondRunAppliesNothing() throws {
        let database = try TestDatabase.create("migrate", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            var seen: [Int] = []
            let first = try Migrator().migrate(self.sample, on: connection) { seen.append($0.version) }
            #expect(seen == [1, 2, 3])
            #expect(first.applied.count == 3)
            let second = try Migrator().migrate(self.sample, on: connection)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == 3)
            let rows = try connection.query("SELECT version, checksum FROM public.shebao_migration ORDER BY version")
            #expect(try rows.map { try $0.decode(0, as: Int.self) } == [1, 2, 3])
            #expect(try rows.map { try $0.decode(1, as: String.self) } == self.sample.map(\.checksum))
        }
    }

    @Test func aChangedFileStopsTheRunBeforeApplyingAnything() throws {
        let database = try TestDatabase.create("checksum", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            _ = try Migrator().migrate(Array(self.sample.prefix(2)), on: connection)
            var edited = self.sample
            edited[1] = self.migration(2, "SELECT pg_sleep(0.3); INSERT INTO effect VALUES (22);")
            do {
                _ = try Migrator().migrate(edited, on: connection)
                Issue.record("expected a checksum mismatch")
            } catch let error as MigrationError {
                #expect(error.code == .checksumMismatch)
                #expect(error.description.contains("0002_step2.sql"))
            }
            #expect(try connection.query("SELECT count(*) FROM effect").single().decode(0, as: Int64.self) == 2)
        }
    }

    @Test func aFailingMigrationIsRolledBackAndStopsTheRun() throws {
        let database = try TestDatabase.create("failing", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            let migrations = [
                self.sample[0],
                self.migration(
                    2,
                    "INSERT INTO effect VALUES (2); CREATE TABLE half_done (id int); SELECT no_such_function();"
                ),
                self.sample[2],
            ]
            do {
                _ = try Migrator().migrate(migrations, on: connection)
                Issue.record("expected a failure")
            } catch let error as MigrationError {
                #expect(error.code == .failed)
                #expect(error.version == 2)
                // The server's reason, readable: no "Optional(" wrapping.
                #expect(error.description.contains("failed and was rolled back: PostgresError.server"))
                #expect(error.description.contains("no_such_function"))
            }
            #expect(
                try connection.query("SELECT array_agg(version ORDER BY version)::int8[] FROM effect").single().decode(
                    0,
                    as: [Int64].self
                ) == [1]
            )
            #expect(try connection.query("SELECT to_regclass('half_done') IS NULL").single().decode(0, as: Bool.self))
            #expect(try Migrator().appliedMigrations(on: connection).keys.sorted() == [1])
        }
    }

    @Test func aMissingOrOutOfOrderFileIsRefused() throws {
        let database = try TestDatabase.create("order", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            _ = try Migrator().migrate([self.sample[0], self.sample[2]], on: connection)
            #expect { _ = try Migrator().migrate([self.sample[0]], on: connection) } throws: {
                ($0 as? MigrationError)?.code == .missingFile
            }
            #expect { _ = try Migrator().migrate(self.sample, on: connection) } throws: {
                ($0 as? MigrationError)?.code == .outOfOrder
            }
        }
    }

    @Test func concurrentMigratorsApplyEachFileExactlyOnce() async throws {
        let database = try TestDatabase.create("concurrent", migrated: false)
        defer { database.drop() }
        let migrations = self.sample
        let reports = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await onThread {
                        try database.withConnection { try Migrator().migrate(migrations, on: $0).applied.count }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.reduce(0, +) == 3)
        try database.withConnection { connection throws in
            // The primary key on effect.version would have failed a second application, but
            // count anyway: each migration's effect exists once.
            #expect(try connection.query("SELECT count(*) FROM effect").single().decode(0, as: Int64.self) == 3)
            #expect(
                try connection.query("SELECT count(*) FROM public.shebao_migration").single().decode(0, as: Int64.self)
                    == 3
            )
        }
    }

    @Test func theProjectsMigrationsCreateTheRolesAsDesigned() throws {
        let directory = try #require(TestEnvironment.sqlDirectory)
        let database = try TestDatabase.create("roles", migrated: false)
        defer { database.drop() }
        try database.withConnection { connection in
            let report = try Migrator().migrate(try Migration.load(directory: directory), on: connection)
            #expect(report.applied.count >= 2)
            let app = try connection.query(
                "SELECT rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'shebao_app'"
            ).single()
            for column in 0..<5 {
                #expect(try app.decode(column, as: Bool.self) == false)
            }
            let owned = try connection.query(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'shebao_app'"
            ).single()
            #expect(try owned.decode(0, as: Int64.self) == 0)
            let schemaOwner = try connection.query(
                "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'shebao'"
            ).single()
            #expect(try schemaOwner.decode(0, as: String.self) == "shebao_owner")
            let extensions = try connection.query("SELECT extname FROM pg_extension ORDER BY extname")
            let names = try extensions.map { try $0.decode(0, as: String.self) }
            for name in ["btree_gist", "ltree", "pg_trgm", "pgcrypto"] {
                #expect(names.contains(name))
            }
        }
    }
}
