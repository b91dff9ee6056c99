#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock in Unix seconds, as webhook timestamps and HTTP dates count time.
public enum UnixClock {
    /// Seconds since 1970-01-01T00:00:00Z, now.
    /// - Returns: whole seconds.
    public static func seconds() -> Int64 {
        var now = timespec()
        // CLOCK_REALTIME cannot fail with a valid pointer.
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}
