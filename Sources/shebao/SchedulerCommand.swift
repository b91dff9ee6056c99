import ArgumentParser
import CSystem
import Foundation
import HTTP1
import HTTPServer
import Logging
import Outbound
import Postgres
import Scheduler
import Synchronization

/// `shebao scheduler`: delivers the notification outbox (in-app inbox, the development SMS log)
/// and runs the recurring jobs (housekeeping, the audit anchor). Any number may run against one
/// database. SIGTERM or SIGINT finishes the batch in hand and exits.
struct SchedulerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Deliver notifications and run the recurring jobs (any number may run at once).",
        discussion: """
            Connects with DATABASE_URL, which must name the application's role (a member of \
            shebao_app), never the schema owner: every job runs under row-level security in the \
            scope of its office. SHEBAO_SMS_LOG names the development SMS log (without it, SMS \
            messages wait in the outbox), SHEBAO_AUDIT_ANCHOR_FILE the audit anchor file, \
            SHEBAO_SCHEDULER_METRICS_PORT the port of /healthz and /metrics.
            """
    )

    @Option(help: "Longest wait, in seconds, between two looks for work when no notification comes.")
    var pollInterval: Double = 5

    @Option(help: "Seconds a claim lasts; a holder that has not finished by then may be overtaken.")
    var leaseDuration: Double = 30

    @Option(help: "Outbox rows claimed per channel at a time.")
    var batchSize: Int = 100

    @Option(help: "Attempts of a message in all; after the last one fails it is dead.")
    var maxAttempts: Int = 8

    @Option(help: "Seconds before the second attempt; each later one waits twice as long, with jitter.")
    var retryDelay: Double = 10

    @Option(help: "The longest wait between attempts, in seconds.")
    var maxRetryDelay: Double = 3600

    @Option(
        help: ArgumentHelp(
            "A channel's rate limit, CHANNEL=PER_SECOND[/BURST] (sms=5/10); repeatable.",
            valueName: "limit"
        )
    )
    var rateLimit: [String] = []

    @Option(help: "The development SMS log: each SMS appended as one line (default: SHEBAO_SMS_LOG).")
    var smsLog: String?

    @Option(
        help: """
            The SMS gateway's URL (https): each SMS is POSTed to it, signed with SHEBAO_SMS_GATEWAY_SECRET \
            (default: SHEBAO_SMS_GATEWAY_URL; without one, SMS go to the development log).
            """
    )
    var smsGatewayURL: String?

    @Option(
        help: """
            The webhook receiver's URL (https) for messages of the webhook channel whose row names none, \
            signed with SHEBAO_WEBHOOK_SECRET (default: SHEBAO_WEBHOOK_URL; without one, webhooks wait).
            """
    )
    var webhookURL: String?

    @Option(help: "Seconds a gateway's connection may take to open.")
    var gatewayConnectTimeout: Double = 5

    @Option(help: "Seconds a gateway's whole answer may take.")
    var gatewayTimeout: Double = 15

    @Option(help: "A PEM bundle of the CAs the gateways' certificates are checked against, instead of the system's.")
    var gatewayCABundle: String?

    @Option(help: "Where the audit chain's head is written (default: SHEBAO_AUDIT_ANCHOR_FILE; none: not written).")
    var auditAnchorFile: String?

    @Option(help: "Seconds between two writes of the audit anchor.")
    var auditAnchorInterval: Double = 300

    @Option(help: "Seconds between two housekeeping runs.")
    var housekeepingInterval: Double = 3600

    @Option(help: "Hours an ended (expired or revoked) session is kept.")
    var sessionRetentionHours: Double = 168

    @Option(help: "Hours an expired log-in code is kept.")
    var loginCodeRetentionHours: Double = 24

    @Option(help: "Days a log-in attempt is kept (at least 1).")
    var loginAttemptRetentionDays: Double = 90

    @Option(help: "Hours an idempotency key is kept; a retry after that is a new request.")
    var idempotencyKeyHours: Double = 24

    @Option(help: "Benefits or return-file lines per transaction of a disbursement run's work.")
    var disbursementPageSize = 10_000

    @Option(help: "Claims of a disbursement task before it fails and waits for an administrator to re-drive it.")
    var disbursementAttempts = 5

    @Option(help: "Threads working disbursement tasks side by side (runs of different offices), one task each.")
    var disbursementThreads = 2

    @Option(help: "statement_timeout of the scheduler's sessions, in seconds.")
    var statementTimeout: Double = 30

    @Option(help: "idle_in_transaction_session_timeout of the scheduler's sessions, in seconds.")
    var idleInTransactionTimeout: Double = 60

    @Option(
        help:
            "Port of /healthz and /metrics on 127.0.0.1; 0 picks a free one (default: SHEBAO_SCHEDULER_METRICS_PORT; none: not served)."
    )
    var metricsPort: Int?

    @Option(help: "This process's name in its leases (default: host:pid).")
    var holder: String?

    @Flag(help: "Started by `shebao dev`: exit when it dies.")
    var supervised = false

    func run() throws {
        let signals: [Int32] = [SIGINT, SIGTERM]
        _ = signals.withUnsafeBufferPointer { csystem_block_signals($0.baseAddress, Int32($0.count)) }
        if self.supervised && csystem_die_with_parent(SIGTERM) != 0 {
            throw ExitCode.failure
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "shebao.scheduler")
        logger[metadataKey: "pid"] = "\(getpid())"

        guard let database = try ServerSettings.databaseConfiguration() else {
            throw Failure("set DATABASE_URL to the application's database (its role a member of shebao_app)")
        }
        let scheduler = Scheduler(
            configuration: try self.schedulerConfiguration(),
            database: database,
            channels: try self.channels(),
            jobs: try self.jobs(),
            logger: logger
        )
        let server = try self.startMetricsServer(scheduler.metrics, logger: logger)

        let outcome = RunOutcome()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try scheduler.run()
            } catch {
                outcome.set(error)
                // Wake the signal wait below: the scheduler cannot run.
                kill(getpid(), SIGTERM)
            }
            finished.signal()
        }
        thread.name = "shebao-scheduler"
        thread.start()
        let received = signals.withUnsafeBufferPointer { csystem_wait_for_signal($0.baseAddress, Int32($0.count)) }
        if outcome.error == nil {
            logger.info("stopping: finishing the batch in hand", metadata: ["signal": "\(received)"])
        }
        scheduler.stop()
        finished.wait()
        server?.stop(graceful: true)
        server?.waitUntilStopped()
        if let error = outcome.error {
            printError("shebao scheduler: \(describe(error))")
            throw ExitCode.failure
        }
    }

    private func schedulerConfiguration() throws -> SchedulerConfiguration {
        guard self.pollInterval > 0, self.leaseDuration >= 1, self.leaseDuration <= 3600 else {
            throw ValidationError("--poll-interval must be above 0 and --lease-duration 1 to 3600 seconds")
        }
        guard self.batchSize >= 1, self.batchSize <= 1000, self.maxAttempts >= 1 else {
            throw ValidationError("--batch-size must be 1 to 1000 and --max-attempts at least 1")
        }
        var configuration = SchedulerConfiguration(
            holder: self.holder ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"
        )
        configuration.pollInterval = .seconds(self.pollInterval)
        configuration.leaseDuration = .seconds(self.leaseDuration)
        configuration.batchSize = self.batchSize
        guard (1...100_000).contains(self.disbursementPageSize), self.disbursementAttempts >= 1,
            (1...16).contains(self.disbursementThreads)
        else {
            throw ValidationError(
                "--disbursement-page-size must be 1 to 100000, --disbursement-attempts at least 1 and --disbursement-threads 1 to 16"
            )
        }
        configuration.disbursementPageSize = self.disbursementPageSize
        configuration.disbursementAttempts = self.disbursementAttempts
        configuration.disbursementThreads = self.disbursementThreads
        configuration.retry = RetryPolicy(
            maxAttempts: self.maxAttempts,
            baseDelay: .seconds(max(0, self.retryDelay)),
            maxDelay: .seconds(max(0, self.maxRetryDelay))
        )
        configuration.statementTimeout = .seconds(max(0.001, self.statementTimeout))
        configuration.idleInTransactionTimeout = .seconds(max(0.001, self.idleInTransactionTimeout))
        for text in self.rateLimit {
            let (channel, limit) = try Self.parseRateLimit(text)
            configuration.rateLimits[channel] = limit
        }
        return configuration
    }

    /// `CHANNEL=PER_SECOND[/BURST]`.
    static func parseRateLimit(_ text: String) throws -> (String, SchedulerConfiguration.RateLimit) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let figures = parts.count == 2 ? parts[1].split(separator: "/").map(String.init) : []
        guard parts.count == 2, !parts[0].isEmpty, (1...2).contains(figures.count),
            let rate = Double(figures[0]), rate > 0, rate.isFinite
        else {
            throw ValidationError("--rate-limit takes CHANNEL=PER_SECOND[/BURST], not \"\(text)\"")
        }
        var burst = 1
        if figures.count == 2 {
            guard let value = Int(figures[1]), value >= 1 else {
                throw ValidationError("--rate-limit: the burst is a whole number of at least 1, not \"\(figures[1])\"")
            }
            burst = value
        }
        return (parts[0], .init(messagesPerSecond: rate, burst: burst))
    }

    private func channels() throws -> [Channel] {
        var channels: [Channel] = [.transactional(InboxChannel())]
        var client = HTTPClient.Configuration()
        client.connectTimeout = .milliseconds(Int64(self.gatewayConnectTimeout * 1000))
        client.totalTimeout = .milliseconds(Int64(self.gatewayTimeout * 1000))
        client.caBundlePath = self.gatewayCABundle
        let sms = self.smsGatewayURL ?? Environment.value("SHEBAO_SMS_GATEWAY_URL")
        let webhook = self.webhookURL ?? Environment.value("SHEBAO_WEBHOOK_URL")
        if sms != nil || webhook != nil {
            try self.checkGateways([sms, webhook].compactMap { $0 })
        }
        if let url = sms {
            channels.append(
                .external(
                    HTTPGatewayChannel(
                        .sms,
                        url: url,
                        secret: try Self.secret("SHEBAO_SMS_GATEWAY_SECRET"),
                        client: client
                    )
                )
            )
        } else if let path = self.smsLog ?? Environment.value("SHEBAO_SMS_LOG") {
            channels.append(.external(SMSLogChannel(path: path)))
        }
        if let url = webhook {
            channels.append(
                .external(
                    HTTPGatewayChannel(
                        .webhook,
                        url: url,
                        secret: try Self.secret("SHEBAO_WEBHOOK_SECRET"),
                        client: client
                    )
                )
            )
        }
        return channels
    }

    /// Gateways reached over HTTPS only, and a delivery that ends within its lease: a lease
    /// shorter than the gateway's timeout could pass to another scheduler mid-request, which
    /// would send the message again.
    private func checkGateways(_ urls: [String]) throws {
        for url in urls where !url.lowercased().hasPrefix("https://") {
            throw ValidationError("a gateway's URL must be https:// (\(url))")
        }
        // A connection that takes longer than the whole timeout is cut by the whole timeout.
        guard self.gatewayConnectTimeout > 0, self.gatewayTimeout > 0 else {
            throw ValidationError("--gateway-connect-timeout and --gateway-timeout must be above 0")
        }
        guard self.gatewayTimeout * 2 <= self.leaseDuration else {
            throw ValidationError(
                "--gateway-timeout must be at most half of --lease-duration, so that a delivery ends within its lease"
            )
        }
    }

    /// The signing secret in the environment variable `name`: at least 16 bytes.
    private static func secret(_ name: String) throws -> [UInt8] {
        guard let value = Environment.value(name), value.utf8.count >= 16 else {
            throw Failure("set \(name) to the gateway's signing secret (at least 16 bytes)")
        }
        return Array(value.utf8)
    }

    private func jobs() throws -> [any RecurringJob] {
        guard self.housekeepingInterval > 0, self.auditAnchorInterval > 0 else {
            throw ValidationError("--housekeeping-interval and --audit-anchor-interval must be above 0")
        }
        var retention = HousekeepingJob.Retention()
        retention.sessions = .seconds(self.sessionRetentionHours * 3600)
        retention.loginCodes = .seconds(self.loginCodeRetentionHours * 3600)
        retention.loginAttempts = .seconds(self.loginAttemptRetentionDays * 86_400)
        retention.idempotencyKeys = .seconds(self.idempotencyKeyHours * 3600)
        var jobs: [any RecurringJob] = [
            HousekeepingJob(interval: .seconds(self.housekeepingInterval), retention: retention),
            DisbursementScheduleJob(),
        ]
        if let path = self.auditAnchorFile ?? Environment.value("SHEBAO_AUDIT_ANCHOR_FILE") {
            jobs.append(AuditAnchorJob(path: path, interval: .seconds(self.auditAnchorInterval)))
        }
        return jobs
    }

    /// `/healthz` and `/metrics` on the project's HTTP server, if a port is configured.
    private func startMetricsServer(_ metrics: SchedulerMetrics, logger: Logger) throws -> HTTPServer? {
        guard let port = self.metricsPort ?? Environment.value("SHEBAO_SCHEDULER_METRICS_PORT").flatMap(Int.init)
        else { return nil }
        var router = Router()
        router.add(.get, "/healthz") { _ in .text("ok\n") }
        router.add(.get, "/metrics") { _ in
            HTTPResponse(
                status: 200,
                headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: Array(metrics.prometheusText().utf8)
            )
        }
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: port)
        configuration.handlerThreads = 2
        configuration.isAccessLogEnabled = false
        let server = HTTPServer(configuration: configuration, router: router, logger: logger)
        let bound: Int
        do {
            bound = try server.start()
        } catch {
            throw Failure("cannot serve the metrics on 127.0.0.1:\(port): \(error)")
        }
        logger.info("metrics serving", metadata: ["port": "\(bound)"])
        return server
    }
}

/// The scheduler thread's failure, for the main thread to report.
private final class RunOutcome: Sendable {
    private let stored = Mutex<(any Error)?>(nil)

    var error: (any Error)? { self.stored.withLock { $0 } }

    func set(_ error: any Error) {
        self.stored.withLock { $0 = error }
    }
}
