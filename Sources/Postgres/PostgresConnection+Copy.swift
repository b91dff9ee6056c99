internal import CLibPQ

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` in text format.
    ///
    /// - Parameters:
    ///   - statement: the `COPY table (columns) FROM STDIN` statement: constant text naming the
    ///     table and columns (COPY takes no bind parameters), never built from input.
    ///   - body: writes the rows through the ``CopyWriter``. If it throws, the COPY is aborted
    ///     and no row is loaded.
    /// - Returns: the number of rows loaded.
    /// - Throws: what `body` throws, or ``PostgresError`` (a constraint violation aborts the
    ///   whole COPY).
    @discardableResult
    public func copyFrom(_ statement: String, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        let handle = try self.liveHandle()
        let start = try self.check(PQexec(handle, statement))
        guard PQresultStatus(start.result.pointer) == PGRES_COPY_IN else {
            throw PostgresError(code: .copyFailed, message: "the statement is not COPY … FROM STDIN")
        }
        var writer = CopyWriter(connection: self, handle: handle)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            while let result = PQgetResult(handle) {
                PQclear(result)
            }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw self.connectionError()
        }
        var loaded = 0
        var failure: (any Error)?
        while let result = PQgetResult(handle) {
            do {
                loaded = try self.check(result).affectedRows
            } catch {
                failure = failure ?? error
            }
        }
        if let failure {
            throw failure
        }
        return loaded
    }
}

/// Writes rows of a `COPY … FROM STDIN` in PostgreSQL's text format, buffered in chunks.
public struct CopyWriter {
    private let connection: PostgresConnection
    private let handle: OpaquePointer
    private var buffer: [UInt8] = []
    private var field: [UInt8] = []
    private static let chunkSize = 256 * 1024

    init(connection: PostgresConnection, handle: OpaquePointer) {
        self.connection = connection
        self.handle = handle
        self.buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one row; `nil` is NULL.
    ///
    /// - Throws: ``PostgresEncodingError`` for a value that cannot be sent, ``PostgresError`` if
    ///   the connection fails while sending.
    public mutating func append(_ values: [(any PostgresEncodable)?]) throws {
        for (index, value) in values.enumerated() {
            if index > 0 {
                self.buffer.append(UInt8(ascii: "\t"))
            }
            guard let value else {
                self.buffer.append(UInt8(ascii: "\\"))
                self.buffer.append(UInt8(ascii: "N"))
                continue
            }
            self.field.removeAll(keepingCapacity: true)
            try value.encodeText(into: &self.field)
            // Text format escapes: backslash, and the delimiter and line characters.
            for byte in self.field {
                switch byte {
                case UInt8(ascii: "\\"): self.buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): self.buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): self.buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): self.buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: self.buffer.append(byte)
                }
            }
        }
        self.buffer.append(UInt8(ascii: "\n"))
        if self.buffer.count >= Self.chunkSize {
            try self.flush()
        }
    }

    mutating func flush() throws {
        guard !self.buffer.isEmpty else { return }
        let handle = self.handle
        let sent = self.buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw self.connection.connectionError()
        }
        self.buffer.removeAll(keepingCapacity: true)
    }
}
