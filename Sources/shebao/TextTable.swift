import Foundation

/// Rows in aligned columns for a terminal, as `shebao disburse` prints its lists: each column as
/// wide as its widest cell, counting a Chinese character as two columns.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func append(_ cells: String...) {
        self.rows.append(cells)
    }

    /// The table as lines; a note instead of the header when it has no row.
    var text: String {
        guard !self.rows.isEmpty else { return "(none)" }
        let all = [self.headers] + self.rows
        let widths = self.headers.indices.map { column in
            all.map { Self.width(column < $0.count ? $0[column] : "") }.max() ?? 0
        }
        return all.map { row in
            row.indices.map { column in
                let cell = row[column]
                let isLast = column == row.count - 1
                return isLast ? cell : cell + String(repeating: " ", count: widths[column] - Self.width(cell) + 2)
            }.joined()
        }.joined(separator: "\n")
    }

    /// Terminal columns of `text`: two for a wide character (East Asian Wide and Fullwidth, the
    /// blocks of Chinese text), one for any other.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            let value = scalar.value
            let isWide =
                (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
                || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
                || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
                || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
            return sum + (isWide ? 2 : 1)
        }
    }
}

/// A JSON object of an answer, read member by member: what a table shows of it.
struct JSONObject {
    let members: [String: Any]

    init(_ members: [String: Any]) {
        self.members = members
    }

    /// A text or number member as text; `-` when null or absent.
    subscript(_ key: String) -> String {
        switch self.members[key] {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Double: String(format: "%.2f", number)
        default: "-"
        }
    }

    func int(_ key: String) -> Int? {
        self.members[key] as? Int
    }

    func bool(_ key: String) -> Bool {
        self.members[key] as? Bool ?? false
    }

    func object(_ key: String) -> JSONObject? {
        (self.members[key] as? [String: Any]).map(JSONObject.init)
    }

    func array(_ key: String) -> [JSONObject] {
        (self.members[key] as? [[String: Any]] ?? []).map(JSONObject.init)
    }
}
