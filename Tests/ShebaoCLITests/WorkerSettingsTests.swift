import EmbeddedPostgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's limits and timeouts come from the environment; a bad value stops it with a
/// message that names the variable.
@Suite(.enabled(if: TestEnvironment.shebaoExecutable != nil, "needs make test"), .serialized)
struct WorkerSettingsTests {
    private func startWorker(_ environment: [String: String?]) throws -> (BackgroundProcess, Int) {
        let port = try EmbeddedPostgres.freePort()
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(port)"],
            environment: environment.merging(["DATABASE_URL": nil, "SHEBAO_ACCESS_LOG": "0"]) { $1 }
        )
        let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("serving") }
        try #require(up, "worker did not start: \(process.standardError)")
        return (process, port)
    }

    @Test(arguments: ["abc", "0", "-5", "+5", "12 "])
    func aValueThatIsNotAPositiveWholeNumberStopsTheWorker(value: String) throws {
        let result = try Subprocess.run(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "0"],
            environment: ["SHEBAO_HTTP_MAX_BODY_BYTES": value, "DATABASE_URL": nil]
        )
        #expect(result.status != 0)
        #expect(result.standardError.contains("SHEBAO_HTTP_MAX_BODY_BYTES must be a positive whole number"))
    }

    @Test func theBodyLimitComesFromTheEnvironment() throws {
        let (process, port) = try self.startWorker(["SHEBAO_HTTP_MAX_BODY_BYTES": "16"])
        defer { process.send(SIGKILL) }
        let fits = try TestClient(port: port)
        try fits.send(
            "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n" + String(repeating: "x", count: 16)
        )
        #expect(try fits.readResponse()?.status == 200)
        let tooBig = try TestClient(port: port)
        try tooBig.send("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n")
        #expect(try tooBig.readResponse()?.status == 413)
    }

    @Test func theHeaderDeadlineComesFromTheEnvironment() throws {
        let (process, port) = try self.startWorker(["SHEBAO_HTTP_HEADER_TIMEOUT_SECONDS": "1"])
        defer { process.send(SIGKILL) }
        let slow = try TestClient(port: port, timeout: .seconds(8))
        let started = ContinuousClock.now
        try slow.send("GET /healthz HTTP/1.1\r\nHost: t\r\n")
        #expect(try slow.readResponse()?.status == 408)
        // The default deadline is 10 s; this one fired after about 1 s.
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
