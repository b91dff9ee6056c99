/// One page of a list read by keyset: the items (ordered by id), and the id to go on after when
/// there are more.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The last item's id when a next page exists.
    public var nextCursor: Int64?

    public init(items: [Item], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The first `limit` of `fetched` (read with one more than `limit`, to tell whether a next
    /// page exists).
    init(fetched: [Item], limit: Int, id: (Item) -> Int64) {
        self.items = Array(fetched.prefix(limit))
        self.nextCursor = fetched.count > limit ? self.items.last.map(id) : nil
    }
}

/// Where a keyset page starts and how long it is.
public struct PageRequest: Sendable, Equatable {
    /// At most this many items.
    public var limit: Int
    /// After the item of this id (in the list's order), or from the start.
    public var cursor: Int64?

    public init(limit: Int, cursor: Int64? = nil) {
        precondition(limit > 0, "a page holds at least one item")
        self.limit = limit
        self.cursor = cursor
    }
}
