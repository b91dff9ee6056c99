import Domain
import EmbeddedPostgres
import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A database of its own with two provinces (each with a city and a person who has a phone),
/// a login role that is a member of `shebao_app` (what a scheduler connects as), and helpers to
/// start real `shebao scheduler` processes, queue outbox rows and check the invariants.
final class SchedulerFixture: Sendable {
    let database: TestDatabase
    /// The application's URL: the login role, never a superuser.
    let appURL: String
    let role: String
    /// The first province's city and its person; the second province's.
    let officeA: Int64
    let personA: Int64
    let officeB: Int64
    let personB: Int64
    /// A folder for the SMS log and the anchor file.
    let folder: String

    var smsLog: String { self.folder + "/sms.log" }

    /// - Parameter cluster: a cluster of the test's own (to restart), or the shared one.
    init(_ label: String, cluster: PrivateCluster? = nil) throws {
        let database = try cluster.map { try TestDatabase.create(label, on: $0) } ?? TestDatabase.create(label)
        self.database = database
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        let role = "sched_" + database.name.suffix(8)
        self.role = role
        let password = "pw-" + UUID().uuidString.prefix(8)
        var url = URLComponents(string: try database.url())!
        url.user = role
        url.password = password
        self.appURL = url.string!
        (self.officeA, self.personA, self.officeB, self.personB) = try database.withConnection { connection in
            try DatabaseBootstrap.ensureLoginRole(role, password: password, memberOf: "shebao_app", on: connection)
            func office(_ parent: Int64?, _ code: String, _ level: String) throws -> Int64 {
                try connection.query(
                    "INSERT INTO shebao.office (parent_id, code, region_code, level, name) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    [parent, code, String(code.prefix(6)), level, "办公室 \(code)"]
                ).single().decode(0, as: Int64.self)
            }
            func person(_ office: Int64, _ citizen: String) throws -> Int64 {
                try connection.query(
                    """
                    INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, phone)
                    VALUES ($1, $2, '张三', 'male', '1990-01-01', 'urban', '13800138000') RETURNING id
                    """,
                    [office, citizen]
                ).single().decode(0, as: Int64.self)
            }
            let cityA = try office(try office(nil, "320000", "province"), "320100", "city")
            let cityB = try office(try office(nil, "330000", "province"), "330100", "city")
            return (
                cityA, try person(cityA, CitizenID.complete(body: "32010219900101001")!),
                cityB, try person(cityB, CitizenID.complete(body: "33010219900101001")!)
            )
        }
    }

    func close() {
        self.database.drop()
        try? FileManager.default.removeItem(atPath: self.folder)  // best effort
    }

    // MARK: Processes

    /// Starts `shebao scheduler` as the application's role with `arguments` after the quick
    /// defaults below, and waits until it listens.
    func startScheduler(
        _ arguments: [String] = [],
        environment: [String: String?] = [:],
        waitUntilListening: Bool = true
    ) throws -> BackgroundProcess {
        let defaults = ["--poll-interval", "0.5", "--lease-duration", "5", "--sms-log", self.smsLog]
        var variables: [String: String?] = ["DATABASE_URL": self.appURL, "SHEBAO_FAILPOINTS": nil]
        variables.merge(environment) { $1 }
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["scheduler"] + defaults + arguments,
            environment: variables
        )
        if waitUntilListening {
            let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("listening") }
            try #require(up, "the scheduler did not start: \(process.standardError)")
        }
        return process
    }

    /// The port a scheduler started with `--metrics-port 0` serves its metrics on.
    static func metricsPort(of process: BackgroundProcess) throws -> Int {
        var port: Int?
        _ = process.waitUntil(timeout: .seconds(30)) {
            guard let range = process.standardError.range(of: "port=") else { return false }
            port = Int(process.standardError[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }
        return try #require(port, "no metrics port in: \(process.standardError)")
    }

    /// The `/metrics` text of a scheduler.
    static func metrics(port: Int) throws -> String {
        let client = try TestClient(port: port)
        try client.send("GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        return try #require(try client.readResponse()).text
    }

    /// The value of the metric line that starts with `name` (labels included), or 0.
    static func value(_ name: String, in text: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1)) ?? 0
        }
        return 0
    }

    // MARK: Data

    /// Queues `count` inbox messages (application approvals) for person A, as a business
    /// transaction would.
    @discardableResult
    func queueInbox(_ count: Int, office: Int64? = nil, person: Int64? = nil) throws -> [Int64] {
        try self.database.withConnection { connection in
            try connection.query(
                """
                INSERT INTO shebao.notification_outbox (office_id, person_id, channel, template, payload)
                SELECT $1, $2, 'inbox', 'application.approved', jsonb_build_object(
                    'applicationId', i::text, 'type', 'enrolment', 'typeName', '参保登记', 'decision', 'approved',
                    'voucherNumber', 'V' || i::text)
                FROM generate_series(1, $3::integer) AS i RETURNING id
                """,
                [office ?? self.officeA, person ?? self.personA, count]
            ).map { try $0.decode(0, as: Int64.self) }
        }
    }

    /// Queues `count` SMS log-in codes for person B.
    @discardableResult
    func queueSMS(_ count: Int) throws -> [Int64] {
        try self.database.withConnection { connection in
            try connection.query(
                """
                INSERT INTO shebao.notification_outbox (office_id, person_id, channel, address, template, payload)
                SELECT $1, $2, 'sms', '13900000000', 'login_code',
                    jsonb_build_object('code', lpad(i::text, 6, '0'), 'minutes', 5)
                FROM generate_series(1, $3::integer) AS i RETURNING id
                """,
                [self.officeB, self.personB, count]
            ).map { try $0.decode(0, as: Int64.self) }
        }
    }

    /// Outbox rows by status.
    func statusCounts() throws -> [String: Int] {
        try self.database.withConnection { connection in
            var counts: [String: Int] = [:]
            for row in try connection.query("SELECT status, count(*) FROM shebao.notification_outbox GROUP BY status") {
                counts[try row.decode(0, as: String.self)] = try row.decode(1, as: Int.self)
            }
            return counts
        }
    }

    /// The status counts for a message, or why there are none.
    var statusText: String {
        (try? self.statusCounts()).map { "\($0)" } ?? "(cannot read the outbox)"
    }

    /// Waits until every outbox row is `sent`.
    func waitUntilAllSent(timeout: Duration = .seconds(60)) throws -> Bool {
        try waitUntil(timeout: timeout) {
            let counts = try self.statusCounts()
            return counts.keys.allSatisfy { $0 == "sent" }
        }
    }

    /// One scalar from a query as the superuser.
    func scalar<T: PostgresDecodable>(
        _ sql: String,
        _ binds: [(any PostgresEncodable)?] = [],
        as type: T.Type
    ) throws -> T {
        try self.database.withConnection { try $0.query(sql, binds).single().decode(0, as: T.self) }
    }

    /// How many times each outbox id appears in the SMS log.
    func smsLogCounts() -> [Int64: Int] {
        let text = (try? String(contentsOfFile: self.smsLog, encoding: .utf8)) ?? ""
        var counts: [Int64: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: " outbox=") else { continue }
            if let id = Int64(line[range.upperBound...].prefix { $0.isNumber }) {
                counts[id, default: 0] += 1
            }
        }
        return counts
    }

    /// The invariants every test ends with: each sent inbox row has exactly one inbox message
    /// and nothing else has one; each sent SMS is in the log exactly once (or at most twice when
    /// `allowingRedeliveredSMS`: a crash between the write and its record delivers again, at
    /// least once); no row that is no longer pending still holds a lease; no pending row's
    /// lease expired long ago unclaimed.
    func expectInvariants(
        allowingRedeliveredSMS: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        try self.database.withConnection { connection in
            let doubled = try connection.query(
                "SELECT count(*) FROM (SELECT outbox_id FROM shebao.inbox_message GROUP BY outbox_id HAVING count(*) > 1) d"
            ).single().decode(0, as: Int.self)
            #expect(doubled == 0, "outbox rows with two inbox messages", sourceLocation: sourceLocation)
            let missing = try connection.query(
                """
                SELECT count(*) FROM shebao.notification_outbox o WHERE o.channel = 'inbox' AND o.status = 'sent'
                AND NOT EXISTS (SELECT FROM shebao.inbox_message m WHERE m.outbox_id = o.id)
                """
            ).single().decode(0, as: Int.self)
            #expect(missing == 0, "sent inbox rows without their message", sourceLocation: sourceLocation)
            let unsent = try connection.query(
                """
                SELECT count(*) FROM shebao.inbox_message m JOIN shebao.notification_outbox o ON o.id = m.outbox_id
                WHERE o.status <> 'sent'
                """
            ).single().decode(0, as: Int.self)
            #expect(unsent == 0, "inbox messages of rows not sent", sourceLocation: sourceLocation)
            let leased = try connection.query(
                "SELECT count(*) FROM shebao.notification_outbox WHERE status <> 'pending' AND lease_holder IS NOT NULL"
            ).single().decode(0, as: Int.self)
            #expect(leased == 0, "finished rows still leased", sourceLocation: sourceLocation)
            let abandoned = try connection.query(
                """
                SELECT count(*) FROM shebao.notification_outbox
                WHERE status = 'pending' AND lease_expires_at < now() - interval '30 seconds'
                """
            ).single().decode(0, as: Int.self)
            #expect(abandoned == 0, "leases expired long ago and not reclaimed", sourceLocation: sourceLocation)
            let sentSMS = try connection.query(
                "SELECT id FROM shebao.notification_outbox WHERE channel = 'sms' AND status = 'sent'"
            ).map { try $0.decode(0, as: Int64.self) }
            let logged = self.smsLogCounts()
            for id in sentSMS {
                let times = logged[id] ?? 0
                #expect(
                    times == 1 || (allowingRedeliveredSMS && times == 2),
                    "SMS \(id) logged \(times) times",
                    sourceLocation: sourceLocation
                )
            }
        }
    }
}
