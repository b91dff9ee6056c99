import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct GuardedBufferTests {
    @Test(arguments: [0, 1, 4095, 4096, 4097, 40_000])
    func bytesEndExactlyAtAPageBoundary(_ count: Int) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0) }
        let buffer = GuardedBuffer(capacity: count)
        buffer.withBytes(bytes) { copy in
            #expect(copy.count == count)
            #expect(Array(copy) == bytes)
            #expect(Int(bitPattern: copy.baseAddress! + count) % pageSize == 0)
        }
    }
}
