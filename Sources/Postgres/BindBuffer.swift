/// Bind parameters encoded into one contiguous buffer, handed to libpq in the shape
/// `PQexecParams` and `PQexecPrepared` want.
struct BindBuffer {
    private struct Parameter {
        /// Offset in `bytes`, or -1 for NULL.
        var offset: Int
        var length: Int32
        var format: Int32
        var type: UInt32
    }

    private var bytes: [UInt8] = []
    private var parameters: [Parameter] = []

    /// Encodes `binds`.
    ///
    /// - Throws: ``PostgresEncodingError`` (with the 1-based position) for a value that cannot
    ///   be sent.
    init(_ binds: [(any PostgresEncodable)?]) throws {
        guard !binds.isEmpty else { return }
        self.parameters.reserveCapacity(binds.count)
        self.bytes.reserveCapacity(16 * binds.count)
        for (position, bind) in binds.enumerated() {
            guard let bind else {
                self.parameters.append(
                    Parameter(
                        offset: -1,
                        length: 0,
                        format: PostgresFormat.text.rawValue,
                        type: PostgresTypeOID.unspecified
                    )
                )
                continue
            }
            let start = self.bytes.count
            do {
                try bind.encode(into: &self.bytes)
            } catch var error as PostgresEncodingError {
                error.position = position + 1
                throw error
            }
            self.parameters.append(
                Parameter(
                    offset: start,
                    length: Int32(self.bytes.count - start),
                    format: bind.postgresFormat.rawValue,
                    type: bind.postgresTypeOID
                )
            )
            // Text values are read as C strings: terminate each one.
            self.bytes.append(0)
        }
    }

    var count: Int32 { Int32(self.parameters.count) }

    /// Calls `body` with the parameter arrays libpq takes: type OIDs, value pointers (nil for
    /// NULL), lengths and formats. The pointers are valid only inside `body`.
    func withCArrays<R>(
        _ body: (
            _ types: UnsafePointer<UInt32>?,
            _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?,
            _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        let count = self.parameters.count
        guard count > 0 else {
            return try body(nil, nil, nil, nil)
        }
        return try self.bytes.withUnsafeBufferPointer { bytes in
            try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { integers in
                    try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { types in
                        for (index, parameter) in self.parameters.enumerated() {
                            if parameter.offset >= 0, let base = bytes.baseAddress {
                                values[index] = UnsafeRawPointer(base + parameter.offset).assumingMemoryBound(
                                    to: CChar.self
                                )
                            } else {
                                values[index] = nil
                            }
                            integers[index] = parameter.length
                            integers[count + index] = parameter.format
                            types[index] = parameter.type
                        }
                        return try body(
                            UnsafePointer(types.baseAddress),
                            UnsafePointer(values.baseAddress),
                            UnsafePointer(integers.baseAddress),
                            UnsafePointer(integers.baseAddress.map { $0 + count })
                        )
                    }
                }
            }
        }
    }
}
