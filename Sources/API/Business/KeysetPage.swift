import HTTPServer
import Postgres

/// A list answered a page at a time: `{"items": […], "next": link or null}`, the rows fetched
/// with one more than `limit` to tell whether a next page exists, the `next` link being the
/// request's own with `cursor` set to the last item's `id`.
enum KeysetPage {
    static func answer(
        _ request: HTTPRequest,
        _ rows: PostgresRows,
        limit: Int,
        path: String,
        _ item: (PostgresRow, inout JSONWriter) throws -> Void
    ) throws -> HTTPResponse {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        var last: Int64?
        for row in rows.prefix(limit) {
            let id = try row.decode("id", as: Int64.self)
            last = id
            writer.beginObject()
            writer.key("id")
            writer.number(id)
            try item(row, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.key("next")
        if rows.count > limit, let last {
            var items = request.queryItems.filter { $0.name != "cursor" }
            items.append(("cursor", "\(last)"))
            writer.string(path + "?" + items.map { "\($0.name)=\(Query.escape($0.value))" }.joined(separator: "&"))
        } else {
            writer.null()
        }
        writer.endObject()
        return .json(writer.bytes)
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

    /// Writes each text column of `row` under its key, null when NULL.
    mutating func columns(_ row: PostgresRow, _ pairs: KeyValuePairs<String, String>) throws {
        for (key, column) in pairs {
            self.key(key)
            self.optional(try row.decode(column, as: String?.self))
        }
    }
}
