import Foundation
internal import Security

/// One migration file, `NNNN_name.sql`: applied once, in the order of its number.
public struct Migration: Sendable, Equatable {
    /// The number at the start of the file name.
    public var version: Int
    /// The part of the file name after the number, without `.sql`.
    public var name: String
    /// The file's name, for messages.
    public var fileName: String
    /// The SQL text.
    public var sql: String
    /// SHA-256 of the file's bytes, as hex.
    public var checksum: String

    public init(version: Int, name: String, fileName: String, sql: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        self.checksum = SHA256.hexDigest(Array(sql.utf8))
    }

    /// Reads every migration in `directory`, sorted by version.
    ///
    /// - Throws: ``MigrationError`` for a `.sql` file whose name does not follow `NNNN_name.sql`,
    ///   two files with the same number, or a file that is not UTF-8.
    public static func load(directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError(code: .directoryUnreadable, fileName: directory)
        }
        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            guard let (version, name) = Self.parseFileName(fileName) else {
                throw MigrationError(code: .invalidFileName, fileName: fileName)
            }
            guard let data = FileManager.default.contents(atPath: directory + "/" + fileName),
                let sql = String(data: data, encoding: .utf8)
            else {
                throw MigrationError(code: .directoryUnreadable, fileName: fileName)
            }
            if let other = migrations.first(where: { $0.version == version }) {
                throw MigrationError(
                    code: .duplicateVersion,
                    version: version,
                    fileName: "\(other.fileName), \(fileName)"
                )
            }
            migrations.append(Migration(version: version, name: name, fileName: fileName, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// `0001_roles.sql` → (1, "roles"). Four digits, an underscore, then `[a-z0-9_]+`.
    static func parseFileName(_ fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(".sql".count)
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 4, let version = Int(digits), version > 0 else { return nil }
        let rest = stem.dropFirst(4)
        guard rest.first == "_" else { return nil }
        let name = rest.dropFirst()
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
        guard !name.isEmpty, allowed else { return nil }
        return (version, String(name))
    }
}

/// Why migrating stopped.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case directoryUnreadable, invalidFileName, duplicateVersion, checksumMismatch, missingFile
            case outOfOrder, failed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The migrations folder or a file in it could not be read.
        public static let directoryUnreadable = Code(.directoryUnreadable)
        /// A `.sql` file is not named `NNNN_name.sql`.
        public static let invalidFileName = Code(.invalidFileName)
        /// Two files carry the same number.
        public static let duplicateVersion = Code(.duplicateVersion)
        /// A file that was applied has changed since.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A migration recorded as applied has no file any more.
        public static let missingFile = Code(.missingFile)
        /// A new file is numbered below one already applied.
        public static let outOfOrder = Code(.outOfOrder)
        /// A migration's SQL failed; it was rolled back.
        public static let failed = Code(.failed)
    }

    public var code: Code
    public var version: Int?
    public var fileName: String?
    /// For `failed`: the database error (its description is safe to log).
    public var underlying: (any Error)?

    public init(code: Code, version: Int? = nil, fileName: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.version = version
        self.fileName = fileName
        self.underlying = underlying
    }

    public var description: String {
        let file = self.fileName ?? "?"
        switch self.code {
        case .directoryUnreadable:
            return "cannot read migrations: \(file)"
        case .invalidFileName:
            return "migration file \(file) is not named NNNN_name.sql (four digits, lowercase name)"
        case .duplicateVersion:
            return "two migration files share the number \(self.version ?? 0): \(file)"
        case .checksumMismatch:
            return
                "migration \(file) was changed after it was applied; add a new migration instead of editing an applied one"
        case .missingFile:
            return "migration \(self.version ?? 0) (\(file)) is recorded as applied but its file is missing"
        case .outOfOrder:
            return "migration \(file) is numbered below one already applied; renumber it after the newest"
        case .failed:
            // The error's debug description (the server's message), of the error itself: an
            // Optional would describe itself as "Optional(…)".
            let detail = self.underlying.map { String(reflecting: $0) } ?? "unknown error"
            return "migration \(file) failed and was rolled back: \(detail)"
        default:
            return "migration error"
        }
    }
}
