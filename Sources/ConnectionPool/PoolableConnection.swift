/// A connection that a ``ConnectionPool`` can hold, hand out and close.
///
/// The pool calls these methods outside its lock, on the thread that acquires or releases the
/// connection, so they may block (a health check, a `ROLLBACK`).
public protocol PoolableConnection: AnyObject, Sendable {
    /// Whether an idle connection is still usable: called when it is taken from the idle list.
    ///
    /// - Returns: `false` if the peer went away while the connection was idle; the pool then
    ///   closes it and opens or takes another.
    func isHealthyForReuse() -> Bool

    /// Brings a connection back to a clean state before it goes back to the idle list.
    ///
    /// - Returns: `false` if it cannot be reused (broken, or stuck in a transaction); the pool
    ///   then closes it.
    func prepareForReuse() -> Bool

    /// Closes the connection. Called exactly once, by the pool, for every connection it opened.
    func close()
}
