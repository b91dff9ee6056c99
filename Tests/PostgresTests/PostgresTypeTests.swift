import Foundation
import Postgres
import TestSupport
import Testing

/// Every decoded type round-trips through the server, NULL and extremes included.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresTypeTests {
    private func roundTrip<T: PostgresEncodable & PostgresDecodable & Equatable>(
        _ value: T,
        as type: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try TestDatabase.shared().withConnection { connection in
            let row = try connection.query("SELECT $1::\(type) AS value, NULL::\(type) AS missing", [value]).single()
            #expect(try row.decode("value", as: T.self) == value, sourceLocation: sourceLocation)
            #expect(try row.decode("missing", as: T?.self) == nil, sourceLocation: sourceLocation)
            #expect(throws: PostgresError.self, sourceLocation: sourceLocation) {
                _ = try row.decode("missing", as: T.self)
            }
        }
    }

    @Test func integersRoundTripIncludingTheirExtremes() throws {
        for value in [Int64.min, -1, 0, 1, Int64.max] {
            try self.roundTrip(value, as: "int8")
        }
        for value in [Int32.min, 0, Int32.max] {
            try self.roundTrip(value, as: "int4")
        }
        for value in [Int16.min, 0, Int16.max] {
            try self.roundTrip(value, as: "int2")
        }
        try self.roundTrip(Int.max, as: "int8")
    }

    @Test func anInt8TooLargeForInt32IsAnErrorNamingTheColumn() throws {
        try TestDatabase.shared().withConnection { connection in
            let row = try connection.query("SELECT 3000000000::int8 AS big").single()
            #expect(try row.decode("big", as: Int64.self) == 3_000_000_000)
            do {
                _ = try row.decode("big", as: Int32.self)
                Issue.record("expected a decoding error")
            } catch let error as PostgresError {
                #expect(error.code == .decoding)
                #expect(error.column == "big")
                #expect(error.description.contains("big"))
            }
        }
    }

    @Test func textRoundTripsEmptyChineseAndQuoteLaden() throws {
        for value in [
            "", "张三·李四", "社会保险业务经办系统 🧾", "O'Brien \"quoted\" \\ back; DROP TABLE x; --",
            String(repeating: "长", count: 10_000),
        ] {
            try self.roundTrip(value, as: "text")
            try self.roundTrip(value, as: "varchar")
        }
    }

    @Test func aNulCharacterIsRefusedNotTruncated() throws {
        try TestDatabase.shared().withConnection { connection in
            #expect(throws: PostgresEncodingError.self) {
                try connection.query("SELECT $1::text", ["admin\u{0}ignored"])
            }
            // The connection stays usable.
            let value = try connection.query("SELECT 1::int4").single().decode(0, as: Int32.self)
            #expect(value == 1)
        }
    }

    @Test func boolRoundTrips() throws {
        try self.roundTrip(true, as: "bool")
        try self.roundTrip(false, as: "bool")
    }

    @Test func numericIsExactNeverThroughDouble() throws {
        for text in [
            "0", "0.1", "-12.3400", "12345678901234567890.123456789", "99999999999999999999999999999999999999",
        ] {
            let decimal = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            try self.roundTrip(decimal, as: "numeric")
            try self.roundTrip(PostgresNumeric(text), as: "numeric")
        }
        try TestDatabase.shared().withConnection { connection in
            let row = try connection.query("SELECT 0.1::numeric + 0.2::numeric AS sum, 'NaN'::numeric AS nan").single()
            #expect(try row.decode("sum", as: Decimal.self) == Decimal(string: "0.3"))
            #expect(try row.decode("nan", as: PostgresNumeric.self).text == "NaN")
            #expect(throws: PostgresError.self) { _ = try row.decode("nan", as: Decimal.self) }
        }
    }

    @Test func datesRoundTrip() throws {
        for date in [
            PostgresDate(year: 1949, month: 10, day: 1), PostgresDate(year: 2000, month: 2, day: 29),
            PostgresDate(year: 1, month: 1, day: 1), PostgresDate(year: 9999, month: 12, day: 31),
        ] {
            try self.roundTrip(date, as: "date")
        }
    }

    @Test func timestampsRoundTripToTheMicrosecond() throws {
        let values = [
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: 1_767_225_600.123456),
            Date(timeIntervalSince1970: -1_000_000_000.5),
            Date(timeIntervalSince1970: 4_102_444_800),
        ]
        for value in values {
            try TestDatabase.shared().withConnection { connection in
                let back = try connection.query("SELECT $1::timestamptz", [value]).single().decode(0, as: Date.self)
                #expect(abs(back.timeIntervalSince1970 - value.timeIntervalSince1970) < 0.000_001)
            }
        }
        try TestDatabase.shared().withConnection { connection in
            // The server's own rendering in another zone parses to the same instant.
            try connection.execute(unsafeScript: "SET TimeZone = 'Asia/Kathmandu'")
            let row = try connection.query(
                "SELECT '2026-11-29 08:00:00+08'::timestamptz AS t, '2026-11-29 00:00:00'::timestamp AS naive"
            ).single()
            #expect(try row.decode("t", as: Date.self) == Date(timeIntervalSince1970: 1_795_910_400))
            #expect(try row.decode("naive", as: Date.self) == Date(timeIntervalSince1970: 1_795_910_400))
            try connection.execute(unsafeScript: "SET TimeZone = 'UTC'")
        }
    }

    @Test func byteaRoundTripsOneMebibyteOfEveryByteValue() throws {
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for index in bytes.indices {
            bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7)
        }
        try self.roundTrip(PostgresBytes(bytes), as: "bytea")
        try self.roundTrip(PostgresBytes([]), as: "bytea")
        try self.roundTrip(Data([0, 1, 0x5c, 0xff]), as: "bytea")
    }

    @Test func jsonbRoundTripsAndDecodesCodableValues() throws {
        struct Payload: Codable, Equatable {
            var name: String
            var baseFen: Int64
        }
        let payload = Payload(name: "王小明", baseFen: 1_234_567)
        try TestDatabase.shared().withConnection { connection in
            let back = try connection.query("SELECT $1::jsonb", [try PostgresJSON(encoding: payload)]).single()
                .decode(0, as: PostgresJSON.self)
            #expect(try back.decode(Payload.self) == payload)
            let json = try connection.query("SELECT '{\"b\": 1, \"a\": [true, null]}'::json").single()
                .decode(0, as: PostgresJSON.self)
            #expect(json.text == "{\"b\": 1, \"a\": [true, null]}")
        }
    }

    @Test func uuidRoundTrips() throws {
        try self.roundTrip(UUID(), as: "uuid")
        try self.roundTrip(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!, as: "uuid")
    }

    @Test func int8AndTextArraysRoundTripWithAwkwardElements() throws {
        try self.roundTrip([Int64](), as: "int8[]")
        try self.roundTrip([Int64.min, 0, Int64.max], as: "int8[]")
        try self.roundTrip([String](), as: "text[]")
        try self.roundTrip(["", "NULL", "a,b", "{x}", "say \"hi\"", "back\\slash", " padded ", "中文"], as: "text[]")
        try TestDatabase.shared().withConnection { connection in
            let row = try connection.query("SELECT ARRAY['a', NULL]::text[] AS t, ARRAY[1, 2]::int4[] AS small")
                .single()
            #expect(try row.decode("t", as: [String?].self) == ["a", nil])
            #expect(throws: PostgresError.self) { _ = try row.decode("t", as: [String].self) }
            #expect(try row.decode("small", as: [Int64].self) == [1, 2])
        }
    }

    @Test func aTypeMismatchThrowsNamingTheColumnInsteadOfCrashing() throws {
        try TestDatabase.shared().withConnection { connection in
            let row = try connection.query("SELECT 'abc'::text AS name, 42::int8 AS n, now() AS at").single()
            for (column, attempt) in [
                ("name", { _ = try row.decode("name", as: Int64.self) }),
                ("n", { _ = try row.decode("n", as: Bool.self) }),
                ("at", { _ = try row.decode("at", as: PostgresDate.self) }),
                ("n", { _ = try row.decode("n", as: UUID.self) }),
            ] as [(String, () throws -> Void)] {
                do {
                    try attempt()
                    Issue.record("expected a decoding error for \(column)")
                } catch let error as PostgresError {
                    #expect(error.code == .decoding)
                    #expect(error.column == column)
                }
            }
            #expect(throws: PostgresError.self) { _ = try row.decode("no_such_column", as: String.self) }
            // Any column reads as its text form.
            #expect(try row.decode("n", as: String.self) == "42")
        }
    }
}
