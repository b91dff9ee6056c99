#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: which call, and the errno it left.
///
/// Its description reads like `"accept4: Too many open files"`.
public struct IOError: Error, Sendable, CustomStringConvertible {
    /// The errno value.
    public let errnoCode: Int32
    /// The call that failed, with the detail that tells instances apart, e.g. `fcntl(F_SETFL)`.
    public let call: String

    public init(errnoCode: Int32, call: String) {
        self.errnoCode = errnoCode
        self.call = call
    }

    public var description: String {
        "\(self.call): \(String(cString: strerror(self.errnoCode)))"
    }
}

/// The result of a non-blocking call: done, or it would have blocked (`EAGAIN`).
public enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}

extension IOResult: Sendable where Value: Sendable {}
