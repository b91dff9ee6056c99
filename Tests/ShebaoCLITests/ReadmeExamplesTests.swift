import EmbeddedPostgres
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The README's business examples, run as written: its `sh` block, taken from the file, against a
/// worker on the demo data (only the port differs). Every `curl` fails the script on an error
/// answer, so a step that a newcomer would see go wrong fails the test.
@Suite(.enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"))
struct ReadmeExamplesTests {
    /// The first `sh` block after the heading "## The business API".
    static func businessExamples() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## The business API"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```sh\n"))
        let close = try #require(rest[open.upperBound...].range(of: "\n```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test func theBusinessExamplesRunAsWritten() throws {
        let tools = ["bash", "curl", "jq", "oathtool"].filter { tool in
            (try? Subprocess.run("/usr/bin/env", ["which", tool]).status) != 0
        }
        try #require(tools.isEmpty, "the README's examples need \(tools) (scripts/install-deps.sh installs them)")
        let executable = try #require(TestEnvironment.shebaoExecutable)
        let database = try TestDatabase.create("readme")
        defer { database.drop() }
        let url = try database.url()
        let seeded = try Subprocess.run(
            executable,
            ["admin", "seed-demo", "--database-url", url, "--persons", "100", "--quiet"],
            timeout: .seconds(300)
        )
        try #require(seeded.status == 0, "seed-demo: \(seeded.standardError)")

        let port = try EmbeddedPostgres.freePort()
        let worker = try BackgroundProcess(
            executable,
            ["worker", "--port", "\(port)"],
            environment: [
                "DATABASE_URL": url + "?options=-c%20role%3Dshebao_app", "SHEBAO_ACCESS_LOG": "0",
                "SHEBAO_DB_PIPELINE_CONNECTIONS": "0",
            ]
        )
        defer { worker.send(SIGKILL) }
        try #require(worker.waitUntil(timeout: .seconds(30)) { worker.standardError.contains("serving") })

        let examples = try Self.businessExamples()
        #expect(examples.contains("localhost:8080/api/v1/applications/preview"))
        let script = """
            set -euo pipefail
            # An error answer fails the step, with its body shown.
            curl() { command curl --fail-with-body --show-error "$@"; echo; }
            \(examples.replacingOccurrences(of: "localhost:8080", with: "localhost:\(port)"))
            test -n "$V" && test "$V" != null
            """
        let run = try Subprocess.run("/usr/bin/env", ["bash", "-c", script], timeout: .seconds(120))
        #expect(run.status == 0, "the README's examples failed:\n\(run.standardOutput)\n\(run.standardError)")
        // The last steps: the voucher verifies, the registration previews clean, the person logs in.
        #expect(run.standardOutput.contains(#""valid":true"#), "\(run.standardOutput)")
        #expect(!run.standardOutput.contains("enrolment.active"), "\(run.standardOutput)")
    }
}
