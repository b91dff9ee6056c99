import Business
import HTTPServer

/// A list answered a page at a time: `{"items": […], "next": link or null}`, the `next` link
/// being the request's own with `cursor` set to the page's last item's `id`.
enum KeysetPage {
    /// The answer of `page`: each item's `id` and what `item` writes of it, the `next` link, and
    /// then what `members` writes beside them (an unread count, say).
    static func answer<Item>(
        _ request: HTTPRequest,
        _ page: Page<Item>,
        path: String,
        id: (Item) -> Int64,
        members: (inout JSONWriter) -> Void = { _ in },
        _ item: (Item, inout JSONWriter) throws -> Void
    ) throws -> HTTPResponse {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for element in page.items {
            writer.beginObject()
            writer.key("id")
            writer.number(id(element))
            try item(element, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.key("next")
        if let last = page.nextCursor {
            var items = request.queryItems.filter { $0.name != "cursor" }
            items.append(("cursor", "\(last)"))
            // Names escaped as values are: the query may carry parameters the operation does not
            // declare, which no schema checked, and the link is one line of printable text.
            writer.string(
                path + "?" + items.map { "\(Query.escape($0.name))=\(Query.escape($0.value))" }.joined(separator: "&")
            )
        } else {
            writer.null()
        }
        members(&writer)
        writer.endObject()
        return .json(writer.bytes)
    }

    /// The page a list's `limit` and `cursor` ask for.
    static func request(_ input: RequestInput) -> PageRequest {
        PageRequest(limit: Int(input.integer(required: "limit")), cursor: input.integer("cursor"))
    }
}

extension JSONWriter {
    /// Writes `value`, or null.
    mutating func optional(_ value: String?) {
        if let value { self.string(value) } else { self.null() }
    }

    /// Writes `value`, or null.
    mutating func optional(_ value: Int64?) {
        if let value { self.number(value) } else { self.null() }
    }
}
