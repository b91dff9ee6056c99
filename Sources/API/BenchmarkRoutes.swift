import HTTP1
public import HTTPServer
public import Postgres
import Synchronization

/// The TechEmpower-style routes the HTTP benchmark measures: `/plaintext`, `/json` and `/db`.
/// Off unless configured (`SHEBAO_BENCHMARK_ROUTES=1`).
public enum BenchmarkRoutes {
    /// Adds the three routes. `/db` needs the `world` table (id 1…10000, randomnumber); it runs
    /// on `pipeline` (the event loop's own connections) when given, else on the handler pool
    /// with `database`.
    public static func register(
        on router: inout Router,
        database: PostgresClient?,
        pipeline: LoopBound<PostgresPipeline>? = nil
    ) {
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
        if let pipeline {
            // The event loop drives the query itself: pipelined, batched per round of events.
            router.addDeferred(.get, "/db") { _, responder in
                let id = Int32(Self.random.withLock { $0.next() } % 10_000 + 1)
                do {
                    try pipeline.value.submit(Self.selectWorld, [id]) { result in
                        do {
                            responder.respond(try Self.worldResponse(result.get()))
                        } catch {
                            Self.fail(responder, error)
                        }
                    }
                } catch {
                    Self.fail(responder, error)
                }
            }
        } else {
            router.add(.get, "/db") { request in
                guard let database else {
                    throw HTTPError(503, "no database configured")
                }
                let id = Int32(Self.random.withLock { $0.next() } % 10_000 + 1)
                return try Self.worldResponse(database.query(Self.selectWorld, [id]))
            }
        }
    }

    private static func worldResponse(_ rows: PostgresRows) throws -> HTTPResponse {
        let row = try rows.single()
        var writer = JSONWriter(capacity: 48)
        writer.beginObject()
        writer.key("id")
        writer.number(Int(try row.decode(0, as: Int32.self)))
        writer.key("randomNumber")
        writer.number(Int(try row.decode(1, as: Int32.self)))
        writer.endObject()
        return .json(writer.bytes)
    }

    private static func fail(_ responder: HTTPResponder, _ error: any Error) {
        if let response = DatabaseFailure.unavailableResponse(error, requestID: responder.requestID) {
            responder.respond(response)
        } else {
            responder.respond(error: error)
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
