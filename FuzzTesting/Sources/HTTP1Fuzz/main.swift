import CFuzzerDriver

#if canImport(Glibc)
    import Glibc
#endif

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) })

/// The libFuzzer entry point: feeds each input to the request parser, the chunked decoder and the
/// request-target parser in several ways and stops the run (so libFuzzer keeps the input) when the
/// ways disagree or a result breaks an invariant. Reads past a buffer are caught by AddressSanitizer:
/// every buffer handed to the parsers is a fresh allocation of exactly its size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let split = count == 0 ? 0 : Int(input[count / 2]) * count / 256
    // A second configuration with tiny limits, chosen by the input, so that every limit is crossed
    // at every kind of position.
    let small = HTTPLimits(
        maxRequestLineLength: Int(input.first ?? 0) % 48,
        maxFieldLineLength: Int(input.last ?? 0) % 32,
        maxHeaderSectionLength: count % 160,
        maxFieldCount: count % 5,
        maxBodyLength: count % 64,
        maxChunkExtensionLength: split % 9,
        maxTrailerSectionLength: split % 40
    )
    for limits in [HTTPLimits(), small] {
        checkHead(input, split: split, limits: limits)
        checkBody(input, split: split, limits: limits)
    }
    checkTarget(input)
    return 0
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Calls `body` with a copy of `bytes` in an allocation of exactly their size.
private func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { copy.deallocate() }
    copy.copyMemory(from: bytes)
    return body(UnsafeRawBufferPointer(copy))
}

private func checkHead(_ input: UnsafeRawBufferPointer, split: Int, limits: HTTPLimits) {
    var wholeParser = HTTPRequestParser(limits: limits)
    let whole = withExactCopy(input) { wholeParser.parseHead($0) }
    check(withExactCopy(input) { wholeParser.parseHead($0) } == whole, "a decided parser changed its answer")

    var splitParser = HTTPRequestParser(limits: limits)
    var splitResult = withExactCopy(UnsafeRawBufferPointer(rebasing: input[..<split])) { splitParser.parseHead($0) }
    if splitResult == .incomplete {
        splitResult = withExactCopy(input) { splitParser.parseHead($0) }
    }
    check(splitResult == whole, "split at \(split): \(splitResult), whole: \(whole)")

    if input.count <= 4096 {
        var byteParser = HTTPRequestParser(limits: limits)
        var byteResult = HTTPHeadParseResult.incomplete
        for end in 0...input.count where byteResult == .incomplete {
            byteResult = withExactCopy(UnsafeRawBufferPointer(rebasing: input[..<end])) { byteParser.parseHead($0) }
        }
        check(byteResult == whole, "byte by byte: \(byteResult), whole: \(whole)")
    }

    switch whole {
    case .incomplete:
        break
    case .invalid(let error):
        check([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status \(error)")
    case .complete(let head):
        check(head.length <= input.count && head.target.upperBound <= head.length, "head out of bounds")
        check(head.fields.count <= limits.maxFieldCount, "too many fields accepted")
        check(head.length <= limits.maxHeaderSectionLength + 8, "head longer than the section limit")
        for field in head.fields {
            check(!field.name.isEmpty && field.name.upperBound <= field.value.lowerBound, "bad field offsets")
            check(field.value.upperBound <= head.length, "field out of bounds")
        }
        switch head.framing {
        case .none: break
        case .contentLength(let length): check(length <= limits.maxBodyLength, "body limit not enforced")
        case .chunked: checkBody(UnsafeRawBufferPointer(rebasing: input[head.length...]), split: 0, limits: limits)
        }
        checkTarget(UnsafeRawBufferPointer(rebasing: input[head.target]))
    }
}

private func decode(
    _ input: UnsafeRawBufferPointer,
    pieces: [Int],
    limits: HTTPLimits
) -> (ChunkedBodyDecoder.Result, [UInt8]) {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var body: [UInt8] = []
    var consumed = 0
    var available = 0
    for piece in pieces + [input.count - pieces.reduce(0, +)] {
        available += piece
        let result = withExactCopy(UnsafeRawBufferPointer(rebasing: input[consumed..<available])) {
            decoder.decode($0, into: &body)
        }
        switch result {
        case .needMore(let used):
            check(used <= available - consumed, "consumed more than given")
            consumed += used
        case .done(let used):
            return (.done(consumed: consumed + used), body)
        case .invalid:
            return (result, body)
        }
    }
    return (.needMore(consumed: consumed), body)
}

private func checkBody(_ input: UnsafeRawBufferPointer, split: Int, limits: HTTPLimits) {
    let whole = decode(input, pieces: [], limits: limits)
    let splitResult = decode(input, pieces: [split], limits: limits)
    check(splitResult == whole, "body split at \(split): \(splitResult.0), whole: \(whole.0)")
    if input.count <= 4096 {
        let byteResult = decode(input, pieces: Array(repeating: 1, count: input.count), limits: limits)
        check(byteResult == whole, "body byte by byte: \(byteResult.0), whole: \(whole.0)")
    }
    check(whole.1.count <= limits.maxBodyLength, "body limit not enforced")
}

private func checkTarget(_ input: UnsafeRawBufferPointer) {
    guard case .success(let target) = withExactCopy(input, { RequestTarget.parse($0) }) else { return }
    check(target.path.hasPrefix("/") || target.path == "*", "path without a leading slash")
    for segment in target.segments {
        check(!segment.isEmpty && segment != "." && segment != "..", "bad segment")
        check(!segment.contains("/") && !segment.contains("\\"), "separator in a segment")
    }
    check(!target.path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character in path")
    _ = target.queryItems()
}
