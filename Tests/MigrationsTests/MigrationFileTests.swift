import Foundation
import Testing

@testable import Migrations

@Suite struct MigrationFileTests {
    @Test func fileNamesFollowFourDigitsUnderscoreLowercaseName() {
        #expect(Migration.parseFileName("0001_roles.sql")! == (1, "roles"))
        #expect(Migration.parseFileName("0042_office_tree_v2.sql")! == (42, "office_tree_v2"))
        for bad in [
            "1_roles.sql", "00001_roles.sql", "0001-roles.sql", "0001_Roles.sql", "0001_.sql", "0000_zero.sql",
            "abcd_x.sql", "0001_ro les.sql",
        ] {
            #expect(Migration.parseFileName(bad) == nil, "\(bad) should be refused")
        }
    }

    private func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }
        return path
    }

    @Test func loadingSortsByVersionAndIgnoresOtherFiles() throws {
        let path = try self.folder(["0002_b.sql": "SELECT 2;", "0001_a.sql": "SELECT 1;", "README.md": "notes"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let migrations = try Migration.load(directory: path)
        #expect(migrations.map(\.version) == [1, 2])
        #expect(migrations[0].checksum.count == 64)
        #expect(migrations[0].checksum != migrations[1].checksum)
    }

    @Test func aBadlyNamedOrDuplicateFileStopsLoading() throws {
        let badName = try self.folder(["0001_a.sql": "", "2_b.sql": ""])
        let duplicate = try self.folder(["0001_a.sql": "", "0001_b.sql": ""])
        defer {
            try? FileManager.default.removeItem(atPath: badName)
            try? FileManager.default.removeItem(atPath: duplicate)
        }
        #expect { try Migration.load(directory: badName) } throws: { ($0 as? MigrationError)?.code == .invalidFileName }
        #expect { try Migration.load(directory: duplicate) } throws: {
            ($0 as? MigrationError)?.code == .duplicateVersion
        }
        #expect { try Migration.load(directory: "/nonexistent/folder") } throws: {
            ($0 as? MigrationError)?.code == .directoryUnreadable
        }
    }

    @Test func theProjectsOwnMigrationsLoad() throws {
        let sql = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql")
            .standardized.path
        let migrations = try Migration.load(directory: sql)
        #expect(migrations.first?.fileName == "0001_roles.sql")
        #expect(migrations.map(\.version) == Array(1...migrations.count))
    }
}
