/// Bind parameters encoded into one contiguous buffer, in the shape `PQexecParams` wants.
struct BindBuffer {
    private var bytes: [UInt8] = []
    /// Offset of each parameter in `bytes`, or -1 for NULL.
    private var offsets: [Int] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []
    private(set) var types: [UInt32] = []

    init(_ binds: [(any PostgresEncodable)?]) throws {
        self.offsets.reserveCapacity(binds.count)
        self.lengths.reserveCapacity(binds.count)
        self.formats.reserveCapacity(binds.count)
        self.types.reserveCapacity(binds.count)
        for (position, bind) in binds.enumerated() {
            guard let bind else {
                self.offsets.append(-1)
                self.lengths.append(0)
                self.formats.append(PostgresFormat.text.rawValue)
                self.types.append(PostgresTypeOID.unspecified)
                continue
            }
            let start = self.bytes.count
            do {
                try bind.encode(into: &self.bytes)
            } catch var error as PostgresEncodingError {
                error.position = position + 1
                throw error
            }
            self.offsets.append(start)
            self.lengths.append(Int32(self.bytes.count - start))
            self.formats.append(bind.postgresFormat.rawValue)
            self.types.append(bind.postgresTypeOID)
            // Text values are read as C strings: terminate each one.
            self.bytes.append(0)
        }
    }

    var count: Int32 { Int32(self.offsets.count) }

    /// Calls `body` with pointers to each value (nil for NULL), valid only inside `body`.
    func withValuePointers<R>(_ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
        try self.bytes.withUnsafeBufferPointer { buffer in
            let values: [UnsafePointer<CChar>?] = self.offsets.map { offset in
                guard offset >= 0, let base = buffer.baseAddress else { return nil }
                return UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
            }
            return try body(values)
        }
    }
}
