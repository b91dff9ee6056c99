import EmbeddedPostgres
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `shebao serve` as a real supervisor with real worker processes on a real port.
@Suite(.enabled(if: TestEnvironment.shebaoExecutable != nil, "needs make test"), .serialized)
struct ServeCommandTests {
    /// One request on a new connection; true if it got a 200.
    private static func get(port: Int, path: String = "/healthz") -> Bool {
        guard let client = try? TestClient(port: port, timeout: .seconds(5)),
            (try? client.send("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) != nil,
            let response = try? client.readResponse()
        else {
            return false
        }
        return response.status == 200
    }

    private func startServe(
        workers: Int,
        extra: [String] = [],
        environment: [String: String?] = [:]
    ) throws -> (BackgroundProcess, Int) {
        let port = try EmbeddedPostgres.freePort()
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["serve", "--workers", "\(workers)", "--port", "\(port)"] + extra,
            environment: ["DATABASE_URL": nil, "SHEBAO_ACCESS_LOG": "0"].merging(environment) { $1 }
        )
        let up = process.waitUntil(timeout: .seconds(30)) { process.standardOutput.contains("serving on") }
        try #require(up, "serve did not start: \(process.standardError)")
        return (process, port)
    }

    /// Requests in a loop on other threads until stopped; counts failures.
    private final class Load: Sendable {
        let successes = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        private let isRunning = Atomic<Bool>(true)
        private let finished = Atomic<Int>(0)
        private let threads: Int

        init(port: Int, threads: Int = 4) {
            self.threads = threads
            for _ in 0..<threads {
                Thread {
                    while self.isRunning.load(ordering: .relaxed) {
                        if ServeCommandTests.get(port: port) {
                            self.successes.add(1, ordering: .relaxed)
                        } else {
                            self.failures.add(1, ordering: .relaxed)
                        }
                    }
                    self.finished.add(1, ordering: .relaxed)
                }.start()
            }
        }

        /// Waits until `count` more requests than `after` have succeeded, for at most `timeout`.
        /// - Returns: whether they did.
        func waitForSuccesses(_ count: Int, after: Int = 0, timeout: Duration = .seconds(20)) -> Bool {
            waitUntil(timeout: timeout) { self.successes.load(ordering: .relaxed) >= after + count }
        }

        func stop() {
            self.isRunning.store(false, ordering: .relaxed)
            while self.finished.load(ordering: .relaxed) < self.threads {
                usleep(10_000)
            }
        }
    }

    @Test func serveStartsTheWorkersAndStopsCleanlyOnSIGTERM() throws {
        let (process, port) = try self.startServe(workers: 2)
        #expect(process.childPIDs.count == 2)
        #expect(Self.get(port: port))
        process.send(SIGTERM)
        #expect(process.wait(timeout: .seconds(20)) == 0)
        #expect(!Self.get(port: port))
    }

    /// The start-up line names the scheme the workers serve: `https://` with a certificate
    /// configured, `http://` without.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func theStartUpLineSaysHTTPSWhenTLSIsConfigured() throws {
        let certificate = try SelfSignedCertificate.make()
        defer { certificate.remove() }
        let (process, port) = try self.startServe(
            workers: 1,
            environment: ["SHEBAO_TLS_CERTIFICATE": certificate.certificatePath, "SHEBAO_TLS_KEY": certificate.keyPath]
        )
        defer {
            process.send(SIGTERM)
            process.wait(timeout: .seconds(20))
        }
        #expect(process.standardOutput.contains("Shebao serving on https://127.0.0.1:\(port) with 1 worker(s)"))
        let result = try Subprocess.run(
            "/usr/bin/curl",
            ["-sS", "--cacert", certificate.certificatePath, "-D", "-", "https://127.0.0.1:\(port)/healthz"]
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(result.standardOutput.contains("\r\nStrict-Transport-Security: max-age=63072000\r\n"))
        let (plain, plainPort) = try self.startServe(workers: 1, environment: ["SHEBAO_TLS_CERTIFICATE": nil])
        defer {
            plain.send(SIGTERM)
            plain.wait(timeout: .seconds(20))
        }
        #expect(plain.standardOutput.contains("Shebao serving on http://127.0.0.1:\(plainPort) with 1 worker(s)"))
    }

    @Test func inReusePortModeEachWorkerBindsThePortItself() throws {
        let (process, port) = try self.startServe(workers: 2, extra: ["--reuse-port"])
        #expect(process.childPIDs.count == 2)
        for _ in 0..<20 {
            #expect(Self.get(port: port))
        }
        process.send(SIGTERM)
        #expect(process.wait(timeout: .seconds(20)) == 0)
    }

    @Test func workersExitWhenTheSupervisorIsKilled() throws {
        let (process, port) = try self.startServe(workers: 2)
        let workers = process.childPIDs
        process.send(SIGKILL)
        process.wait(timeout: .seconds(5))
        let gone = process.waitUntil(timeout: .seconds(10)) { workers.allSatisfy { kill($0, 0) != 0 } }
        #expect(gone)
        #expect(!Self.get(port: port))
    }

    @Test func aReloadUnderLoadReplacesEveryWorkerWithoutAFailedRequest() throws {
        let (process, port) = try self.startServe(workers: 2)
        defer {
            process.send(SIGTERM)
            process.wait(timeout: .seconds(20))
        }
        let before = Set(process.childPIDs)
        let load = Load(port: port)
        #expect(load.waitForSuccesses(25), "no load before the reload")
        process.send(SIGHUP)
        let replaced = process.waitUntil(timeout: .seconds(30)) {
            let now = Set(process.childPIDs)
            return now.count == 2 && now.isDisjoint(with: before)
        }
        // The new workers serve too before the load stops.
        #expect(load.waitForSuccesses(25, after: load.successes.load(ordering: .relaxed)))
        load.stop()
        #expect(replaced, "workers were not replaced: \(before) -> \(process.childPIDs)")
        #expect(load.successes.load(ordering: .relaxed) > 50)
        #expect(load.failures.load(ordering: .relaxed) == 0)
    }

    @Test func aKilledWorkerIsRestartedWhileTheOtherKeepsServing() throws {
        let (process, port) = try self.startServe(workers: 2)
        defer {
            process.send(SIGTERM)
            process.wait(timeout: .seconds(20))
        }
        let before = process.childPIDs
        try #require(before.count == 2)
        let load = Load(port: port)
        #expect(load.waitForSuccesses(25), "no load before the kill")
        kill(before[0], SIGKILL)
        let restarted = process.waitUntil(timeout: .seconds(20)) {
            let now = process.childPIDs
            return now.count == 2 && !now.contains(before[0])
        }
        let failuresAtRestart = load.failures.load(ordering: .relaxed)
        let successesAtRestart = load.successes.load(ordering: .relaxed)
        #expect(load.waitForSuccesses(25, after: successesAtRestart))
        load.stop()
        #expect(restarted)
        #expect(process.childPIDs.contains(before[1]))
        // Only requests the killed worker had accepted can fail; after that everything succeeds.
        #expect(load.failures.load(ordering: .relaxed) == failuresAtRestart)
        #expect(load.successes.load(ordering: .relaxed) > successesAtRestart)
        #expect(failuresAtRestart <= 8)
    }
}
