import HTTP1
public import HTTPServer
public import Postgres
import Synchronization

/// The TechEmpower-style routes the HTTP benchmark measures: `/plaintext`, `/json` and `/db`.
/// Off unless configured (`SHEBAO_BENCHMARK_ROUTES=1`).
public enum BenchmarkRoutes {
    /// Adds the three routes. `/db` needs the `world` table (id 1…10000, randomnumber).
    public static func register(on router: inout Router, database: PostgresClient?) {
        router.add(.get, "/plaintext", execution: .inline) { _ in
            HTTPResponse(status: 200, headers: Self.plainHeaders, body: Self.hello)
        }
        router.add(.get, "/json", execution: .inline) { _ in
            var writer = JSONWriter(capacity: 32)
            writer.beginObject()
            writer.key("message")
            writer.string("Hello, World!")
            writer.endObject()
            return .json(writer.bytes)
        }
        router.add(.get, "/db") { request in
            guard let database else {
                throw HTTPError(503, "no database configured")
            }
            let id = Int32(Self.random.withLock { $0.next() } % 10_000 + 1)
            let row = try database.query(Self.selectWorld, [id]).single()
            var writer = JSONWriter(capacity: 48)
            writer.beginObject()
            writer.key("id")
            writer.number(Int(try row.decode(0, as: Int32.self)))
            writer.key("randomNumber")
            writer.number(Int(try row.decode(1, as: Int32.self)))
            writer.endObject()
            return .json(writer.bytes)
        }
    }

    static let hello = Array("Hello, World!".utf8)
    static let plainHeaders: [(name: String, value: String)] = [("Content-Type", "text/plain")]
    static let selectWorld = PreparedStatement("SELECT id, randomnumber FROM world WHERE id = $1")
    static let random = Mutex(SplitMix64(seed: UInt64(UInt(bitPattern: ObjectIdentifier(Int.self).hashValue))))
}

/// SplitMix64 (Steele, Lea and Flood): a fast generator for benchmark ids; the system generator
/// costs a syscall per number.
public struct SplitMix64: Sendable {
    var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
