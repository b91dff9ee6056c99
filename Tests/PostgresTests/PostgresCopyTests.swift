import Postgres
import TestSupport
import Testing

private struct Abort: Error {}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresCopyTests {
    @Test func copyLoadsOneHundredThousandRows() throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute(
                "CREATE TEMP TABLE payment_line (id int8 PRIMARY KEY, amount_fen int8 NOT NULL, note text)"
            )
            let loaded = try connection.copyFrom("COPY payment_line (id, amount_fen, note) FROM STDIN") { writer in
                for id in 1...100_000 {
                    try writer.append([Int64(id), Int64(id) * 100, id % 10 == 0 ? nil : "行 \(id)"])
                }
            }
            #expect(loaded == 100_000)
            let totals = try connection.query(
                "SELECT count(*), sum(amount_fen)::int8, count(note) FROM payment_line"
            ).single()
            #expect(try totals.decode(0, as: Int64.self) == 100_000)
            #expect(try totals.decode(1, as: Int64.self) == 100 * 100_000 * 100_001 / 2)
            #expect(try totals.decode(2, as: Int64.self) == 90_000)
        }
    }

    @Test func copyEscapesTabsNewlinesBackslashesAndBytes() throws {
        let awkward = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "\\.", "中文·名字", ""]
        try TestDatabase.shared().withConnection { connection in
            try connection.execute("CREATE TEMP TABLE awkward (id int8, body text, raw bytea)")
            try connection.copyFrom("COPY awkward (id, body, raw) FROM STDIN") { writer in
                for (index, text) in awkward.enumerated() {
                    try writer.append([Int64(index), text, PostgresBytes([0, 9, 10, 92, 255])])
                }
            }
            let rows = try connection.query("SELECT body, raw FROM awkward ORDER BY id")
            #expect(try rows.map { try $0.decode(0, as: String.self) } == awkward)
            #expect(try rows.allSatisfy { try $0.decode(1, as: PostgresBytes.self).bytes == [0, 9, 10, 92, 255] })
        }
    }

    @Test func aThrowingBodyAbortsTheCopyAndLoadsNothing() throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute("CREATE TEMP TABLE partial (id int8)")
            #expect(throws: Abort.self) {
                try connection.copyFrom("COPY partial (id) FROM STDIN") { writer in
                    for id in 1...1000 {
                        try writer.append([Int64(id)])
                    }
                    throw Abort()
                }
            }
            #expect(try connection.query("SELECT count(*) FROM partial").single().decode(0, as: Int64.self) == 0)
        }
    }

    @Test func aConstraintViolationFailsTheWholeCopy() throws {
        try TestDatabase.shared().withConnection { connection in
            try connection.execute("CREATE TEMP TABLE unique_ids (id int8 PRIMARY KEY)")
            do {
                try connection.copyFrom("COPY unique_ids (id) FROM STDIN") { writer in
                    try writer.append([Int64(1)])
                    try writer.append([Int64(1)])
                }
                Issue.record("expected a unique violation")
            } catch let error as PostgresError {
                #expect(error.sqlState == .uniqueViolation)
            }
            #expect(try connection.query("SELECT count(*) FROM unique_ids").single().decode(0, as: Int64.self) == 0)
        }
    }
}
