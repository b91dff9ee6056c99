import HTTP1
import Testing

/// Feeds the same bytes to the parsers in every way a socket could deliver them, each call's bytes
/// ending at a guard page, and checks that every way gives the same answer.
enum Feeding {
    /// The split offsets to try: every one for small inputs, an even spread plus both ends for big ones.
    static func splitOffsets(_ count: Int) -> [Int] {
        guard count > 4096 else { return Array(0...count) }
        let stride = count / 512
        return Array(Set(Swift.stride(from: 0, through: count, by: stride)).union(max(0, count - 8)...count)).sorted()
    }

    /// The bytes parsed in one call.
    static func parseWhole(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> HTTPHeadParseResult {
        let buffer = GuardedBuffer(capacity: bytes.count)
        var parser = HTTPRequestParser(limits: limits)
        return buffer.withBytes(bytes) { parser.parseHead($0) }
    }

    /// The bytes parsed in two calls: the first `offset` bytes, then all of them.
    static func parseSplit(
        _ bytes: [UInt8],
        at offset: Int,
        buffer: GuardedBuffer,
        limits: HTTPLimits
    ) -> HTTPHeadParseResult {
        var parser = HTTPRequestParser(limits: limits)
        let first = bytes.withUnsafeBytes { all in
            buffer.withBytes(UnsafeRawBufferPointer(rebasing: all[..<offset])) { parser.parseHead($0) }
        }
        guard first == .incomplete else { return first }
        return buffer.withBytes(bytes) { parser.parseHead($0) }
    }

    /// The bytes parsed with a growing buffer, one more byte per call, until a call decides.
    static func parseByteByByte(_ bytes: [UInt8], buffer: GuardedBuffer, limits: HTTPLimits) -> HTTPHeadParseResult {
        var parser = HTTPRequestParser(limits: limits)
        return bytes.withUnsafeBytes { all in
            for count in 0...all.count {
                let result = buffer.withBytes(UnsafeRawBufferPointer(rebasing: all[..<count])) { parser.parseHead($0) }
                if result != .incomplete { return result }
            }
            return .incomplete
        }
    }

    /// The result of parsing `bytes` whole, after checking that every split and byte-at-a-time feeding
    /// gives exactly the same result.
    static func parseEveryWay(
        _ bytes: [UInt8],
        limits: HTTPLimits = HTTPLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> HTTPHeadParseResult {
        let whole = self.parseWhole(bytes, limits: limits)
        let buffer = GuardedBuffer(capacity: bytes.count)
        for offset in self.splitOffsets(bytes.count) {
            let split = self.parseSplit(bytes, at: offset, buffer: buffer, limits: limits)
            guard split == whole else {
                Issue.record("split at \(offset): \(split), whole: \(whole)", sourceLocation: sourceLocation)
                return whole
            }
        }
        let byteByByte = self.parseByteByByte(bytes, buffer: buffer, limits: limits)
        #expect(byteByByte == whole, "byte by byte", sourceLocation: sourceLocation)
        return whole
    }

    /// Checks that `request` is refused with `status` whichever way it arrives.
    static func expectRefused(
        _ request: String,
        status: Int,
        limits: HTTPLimits = HTTPLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        self.expectRefused(Array(request.utf8), status: status, limits: limits, sourceLocation: sourceLocation)
    }

    /// Checks that `bytes` are refused with `status` whichever way they arrive.
    static func expectRefused(
        _ bytes: [UInt8],
        status: Int,
        limits: HTTPLimits = HTTPLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = self.parseEveryWay(bytes, limits: limits, sourceLocation: sourceLocation)
        guard case .invalid(let error) = result else {
            Issue.record("expected \(status), got \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
    }

    /// The outcome of decoding a chunked body: how it ended and the body bytes.
    struct Decoded: Equatable, CustomStringConvertible {
        enum Ending: Equatable {
            case needMore
            case done(consumed: Int)
            case invalid(HTTPParseError)
        }
        var ending: Ending
        var body: [UInt8]

        var description: String { "\(self.ending) after \(self.body.count) body bytes" }
    }

    /// `bytes` decoded in calls of the sizes given; each call gets the unconsumed rest plus the next
    /// piece, ending at a guard page.
    static func decode(
        _ bytes: [UInt8],
        pieces: [Int],
        buffer: GuardedBuffer,
        limits: HTTPLimits = HTTPLimits()
    ) -> Decoded {
        var decoder = ChunkedBodyDecoder(limits: limits)
        var body: [UInt8] = []
        var consumedTotal = 0
        var available = 0
        for piece in pieces + [bytes.count - pieces.reduce(0, +)] {
            available += piece
            let result = bytes.withUnsafeBytes { all in
                buffer.withBytes(UnsafeRawBufferPointer(rebasing: all[consumedTotal..<available])) {
                    decoder.decode($0, into: &body)
                }
            }
            switch result {
            case .needMore(let consumed):
                consumedTotal += consumed
            case .done(let consumed):
                return Decoded(ending: .done(consumed: consumedTotal + consumed), body: body)
            case .invalid(let error):
                return Decoded(ending: .invalid(error), body: body)
            }
        }
        return Decoded(ending: .needMore, body: body)
    }

    /// The chunked body decoded whole, after checking that every split and byte-at-a-time feeding give
    /// the same ending and the same body.
    static func decodeEveryWay(
        _ bytes: [UInt8],
        limits: HTTPLimits = HTTPLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Decoded {
        let buffer = GuardedBuffer(capacity: bytes.count)
        let whole = self.decode(bytes, pieces: [], buffer: buffer, limits: limits)
        for offset in self.splitOffsets(bytes.count) {
            let split = self.decode(bytes, pieces: [offset], buffer: buffer, limits: limits)
            guard split == whole else {
                Issue.record("split at \(offset): \(split), whole: \(whole)", sourceLocation: sourceLocation)
                return whole
            }
        }
        let byteByByte = self.decode(
            bytes,
            pieces: Array(repeating: 1, count: bytes.count),
            buffer: buffer,
            limits: limits
        )
        #expect(byteByByte == whole, "byte by byte", sourceLocation: sourceLocation)
        return whole
    }
}
