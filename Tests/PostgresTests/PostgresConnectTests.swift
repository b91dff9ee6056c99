import EmbeddedPostgres
import Foundation
import TestSupport
import Testing

@testable import Postgres

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PostgresConnectTests {
    @Test func aMalformedURLIsAClearErrorWithoutThePassword() {
        let urls = [
            "postgresql://user:hunter2secret@host:notaport/db",
            "postgresql://user:hunter2secret@[::1/db",
            "postgresql://user:hunter2secret@host/db?nosuchoption=1",
            "host=x password=hunter2secret port",
        ]
        for url in urls {
            do {
                // Some mistakes show when parsing, others only when libpq uses the value.
                let connection = try PostgresConnection.connect(try PostgresConfiguration(url: url))
                connection.close()
                Issue.record("expected \(url) to be refused")
            } catch let error as PostgresError {
                #expect(error.code == .invalidConfiguration || error.code == .connectionFailed)
                #expect(error.message?.isEmpty == false)
                #expect(!error.description.contains("hunter2secret"))
                #expect(!error.debugDescription.contains("hunter2secret"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func theRedactedDescriptionNamesTheServerButNotThePassword() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://clerk:hunter2secret@db.example:6543/shebao?sslmode=require"
        )
        #expect(
            configuration.redactedDescription == "host=db.example port=6543 user=clerk dbname=shebao sslmode=require"
        )
    }

    @Test func scrubbingRemovesURLPasswordsAndPasswordSettings() {
        let message = "bad: postgresql://a:s3cr3t@h/db and password=other stuff"
        let scrubbed = Redaction.scrub(message, secrets: [])
        #expect(!scrubbed.contains("s3cr3t"))
        #expect(!scrubbed.contains("other"))
        #expect(scrubbed.contains("postgresql://a:***@h/db"))
    }

    @Test(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
    func aWrongPasswordFailsClearlyWithoutEchoingIt() throws {
        var configuration = try TestEnvironment.adminConfiguration()
        configuration = configuration.withUser("postgres", password: "wrong-password-hunter2")
        do {
            let connection = try PostgresConnection.connect(configuration)
            connection.close()
            Issue.record("expected authentication to fail")
        } catch let error as PostgresError {
            #expect(error.code == .connectionFailed)
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains("hunter2"))
            #expect(!error.debugDescription.contains("hunter2"))
        }
    }

    @Test func aRefusedConnectionFailsAtOnce() throws {
        let port = try EmbeddedPostgres.freePort()
        let started = ContinuousClock.now
        #expect(throws: PostgresError.self) {
            let connection = try PostgresConnection.connect(
                PostgresConfiguration(host: "127.0.0.1", port: port, user: "nobody", password: "x", database: "none")
            )
            connection.close()
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws {
        // A listening socket that nobody accepts from: the kernel completes the TCP handshake,
        // then libpq waits for a server greeting that never comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(fd, 16) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        var configuration = PostgresConfiguration(
            host: "127.0.0.1",
            port: Int(UInt16(bigEndian: address.sin_port)),
            user: "nobody",
            password: "x",
            database: "none"
        )
        configuration.connectTimeoutSeconds = 2
        let started = ContinuousClock.now
        do {
            let connection = try PostgresConnection.connect(configuration)
            connection.close()
            Issue.record("expected a timeout")
        } catch let error as PostgresError {
            #expect(error.code == .connectionFailed)
            #expect(error.description.contains("timeout"))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(1))
        // The bound is generous: the point is "fails by itself", not a precise duration.
        #expect(elapsed < .seconds(10))
    }
}
