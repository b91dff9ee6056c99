internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one `PGresult`. `PQclear` does no I/O, so it is safe to free in `deinit`.
final class _PGResult: @unchecked Sendable {
    // @unchecked: the result is never modified after libpq hands it over, and libpq's accessor
    // functions (PQgetvalue, PQntuples, …) only read it.
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(self.pointer)
    }

    func columnName(_ index: Int32) -> String {
        String(cString: PQfname(self.pointer, index))
    }
}

/// The rows a statement returned, decoded lazily from libpq's result.
public struct PostgresRows: RandomAccessCollection, Sendable {
    let result: _PGResult

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(PQntuples(self.result.pointer)) }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < self.endIndex, "row \(position) out of range")
        return PostgresRow(result: self.result, row: Int32(position))
    }

    /// The column names, in order.
    public var columns: [String] {
        (0..<PQnfields(self.result.pointer)).map { String(cString: PQfname(self.result.pointer, $0)) }
    }

    /// The command tag, e.g. `INSERT 0 1`.
    public var commandTag: String {
        String(cString: PQcmdStatus(self.result.pointer))
    }

    /// Rows inserted, updated, deleted, copied or selected, per the command tag (0 if none).
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(self.result.pointer))) ?? 0
    }

    /// The only row. Throws unless there is exactly one.
    public func single() throws -> PostgresRow {
        guard self.count == 1 else {
            throw PostgresError(code: .decoding, message: "expected exactly one row, got \(self.count)")
        }
        return self[0]
    }
}

/// One row of ``PostgresRows``.
public struct PostgresRow: Sendable {
    let result: _PGResult
    let row: Int32

    /// Number of columns.
    public var columnCount: Int { Int(PQnfields(self.result.pointer)) }

    /// Decodes column `column` (0-based) as `T`.
    ///
    /// - Throws: ``PostgresError`` naming the column if the value is NULL and `T` is not
    ///   optional, or the column's type or text does not fit `T`.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        let pointer = self.result.pointer
        guard column >= 0, column < Int(PQnfields(pointer)) else {
            throw PostgresError(code: .decoding, column: "#\(column)", expectedType: "\(T.self)")
        }
        let index = Int32(column)
        let context = PostgresDecodingContext(result: self.result, column: index, typeOID: PQftype(pointer, index))
        if PQgetisnull(pointer, self.row, index) == 1 {
            return try T.decodeNull(context: context)
        }
        let bytes = UnsafeRawBufferPointer(
            start: PQgetvalue(pointer, self.row, index),
            count: Int(PQgetlength(pointer, self.row, index))
        )
        return try T.decode(from: bytes, context: context)
    }

    /// Decodes the column named `name` as `T`.
    ///
    /// - Throws: ``PostgresError`` if there is no such column, or as ``decode(_:as:)``.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let pointer = self.result.pointer
        let found = name.withCString { wanted in
            (0..<PQnfields(pointer)).first { strcmp(PQfname(pointer, $0), wanted) == 0 }
        }
        guard let column = found else {
            throw PostgresError(code: .decoding, message: "no such column", column: name, expectedType: "\(T.self)")
        }
        return try self.decode(Int(column), as: type)
    }

    /// Whether column `column` is NULL.
    public func isNull(_ column: Int) -> Bool {
        PQgetisnull(self.result.pointer, self.row, Int32(column)) == 1
    }
}
