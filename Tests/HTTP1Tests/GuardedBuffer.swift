#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Memory whose usable part ends exactly at a `PROT_NONE` page: bytes placed with
/// ``withBytes(_:_:)`` end at the guard, so reading even one byte past them crashes the test.
final class GuardedBuffer {
    private let region: UnsafeMutableRawPointer
    private let regionLength: Int
    private let guardPage: UnsafeMutableRawPointer
    /// The most bytes that fit before the guard page.
    let capacity: Int

    /// Maps enough pages for `capacity` bytes, plus the guard page after them.
    init(capacity: Int) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let dataPages = max(1, (capacity + pageSize - 1) / pageSize)
        self.regionLength = (dataPages + 1) * pageSize
        guard let mapped = mmap(nil, self.regionLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            mapped != UnsafeMutableRawPointer(bitPattern: -1)
        else { fatalError("mmap failed: \(errno)") }
        self.region = mapped
        self.capacity = dataPages * pageSize
        self.guardPage = mapped + self.capacity
        guard mprotect(self.guardPage, pageSize, PROT_NONE) == 0 else { fatalError("mprotect failed: \(errno)") }
    }

    deinit {
        munmap(self.region, self.regionLength)
    }

    /// Copies `bytes` so that the last one sits just before the guard page and calls `body` with the
    /// copy.
    func withBytes<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(bytes.count <= self.capacity, "the guarded buffer is too small")
        let start = self.guardPage - bytes.count
        if let source = bytes.baseAddress, !bytes.isEmpty {
            start.copyMemory(from: source, byteCount: bytes.count)
        }
        return try body(UnsafeRawBufferPointer(start: start, count: bytes.count))
    }

    /// ``withBytes(_:_:)`` for an array.
    func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try self.withBytes($0, body) }
    }
}
