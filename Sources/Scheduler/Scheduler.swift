internal import ConnectionPool
internal import Foundation
public import Logging
public import Postgres
internal import Store

/// The scheduler process's engine: a job loop on the calling thread that delivers the outbox
/// and runs the recurring jobs, and a listener thread that wakes it on `NOTIFY shebao_outbox`.
/// Any number of schedulers may run against one database: every piece of work is claimed
/// under a lease (holder, expiry, epoch) and every write after the claim is fenced by it.
///
/// Blocking libpq calls are made on these two threads only. ``run()`` returns after ``stop()``
/// once the batch in hand is finished.
public final class Scheduler: Sendable {
    /// The connection is not the application role's.
    public struct RoleError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The channel of the outbox's wake-ups (`sql/0019_scheduler.sql`).
    public static let channel = "shebao_outbox"

    public let configuration: SchedulerConfiguration
    public let metrics: SchedulerMetrics
    private let database: PostgresConfiguration
    private let channels: [Channel]
    private let jobs: [any RecurringJob]
    private let logger: Logger
    private let signal = WakeSignal()
    /// The disbursement threads', one each: woken by the same notifications, stopped with the
    /// loop.
    private let disbursementSignals: [WakeSignal]
    private let listenerDone = DispatchSemaphore(value: 0)
    private let disbursementDone = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - configuration: holder, intervals, limits.
    ///   - database: the application role's connection settings; the scheduler adds its
    ///     session timeouts and application names.
    ///   - channels: the delivery channels; outbox rows of other channels wait.
    ///   - jobs: the recurring jobs this scheduler runs.
    ///   - metrics: the counters it updates.
    ///   - logger: where it logs.
    public init(
        configuration: SchedulerConfiguration,
        database: PostgresConfiguration,
        channels: [Channel],
        jobs: [any RecurringJob],
        metrics: SchedulerMetrics = SchedulerMetrics(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.database = Self.sessionSettings(database, configuration: configuration)
        self.channels = channels
        self.jobs = jobs
        self.logger = logger
        self.disbursementSignals = (0..<max(1, configuration.disbursementThreads)).map { _ in WakeSignal() }
    }

    /// The scheduler's sessions: bounded statements and idle transactions (SCHEDULER.md
    /// invariant 10), so that a frozen scheduler releases its locks; `options` set here replace
    /// any the URL carries.
    static func sessionSettings(
        _ database: PostgresConfiguration,
        configuration: SchedulerConfiguration
    ) -> PostgresConfiguration {
        var settings = database
        settings.applicationName = "shebao-scheduler"
        // A server that vanished without closing the connection (a host gone, a cable cut) is
        // noticed within about half a minute, instead of a read that waits for ever.
        for (name, value) in [
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "30000"),
        ] where !settings.parameters.contains(where: { $0.keyword == name }) {
            settings.parameters.append(.init(name, value))
        }
        settings.parameters.append(
            .init(
                "options",
                "-c statement_timeout=\(configuration.statementTimeout.milliseconds) "
                    + "-c idle_in_transaction_session_timeout=\(configuration.idleInTransactionTimeout.milliseconds)"
            )
        )
        return settings
    }

    /// Asks the scheduler to stop: the batch in hand is finished, then ``run()`` returns.
    public func stop() {
        self.signal.stop()
        for signal in self.disbursementSignals { signal.stop() }
    }

    /// Runs until ``stop()``.
    ///
    /// - Throws: ``RoleError`` if the connection is a superuser's, the schema owner's or not
    ///   the application role's; ``PostgresError`` if the first connection fails. Later
    ///   database failures are logged and retried, never thrown.
    public func run() throws {
        let client = PostgresClient(
            configuration: self.database,
            pool: .init(
                maximumConnections: max(1, self.configuration.connections) + self.disbursementSignals.count,
                acquireTimeout: .seconds(10)
            )
        )
        defer { client.close() }
        try Self.checkRole(client)
        let store = Store(database: client)
        let failPoints = FailPoints()
        let dispatcher = OutboxDispatcher(
            store: store,
            configuration: self.configuration,
            channels: self.channels,
            metrics: self.metrics,
            logger: self.logger,
            failPoints: failPoints
        )
        let jobs = RecurringJobRunner(
            store: store,
            configuration: self.configuration,
            jobs: self.jobs,
            metrics: self.metrics,
            logger: self.logger,
            failPoints: failPoints
        )
        try jobs.register()
        let listenerThread = Thread { [self] in
            self.listen()
            self.listenerDone.signal()
        }
        listenerThread.name = "shebao-scheduler-listener"
        listenerThread.start()
        // Each disbursement thread claims a task of its own (runs of different offices, or the
        // compute of one run beside the import of another): the database does the work, and
        // its cores are used side by side.
        for (index, signal) in self.disbursementSignals.enumerated() {
            let worker = DisbursementWorker(
                store: store,
                configuration: self.configuration,
                metrics: self.metrics,
                logger: self.logger,
                failPoints: failPoints,
                isStopping: { signal.isStopping }
            )
            let thread = Thread { [self] in
                self.disburse(worker, signal: signal)
                self.disbursementDone.signal()
            }
            thread.name = "shebao-scheduler-disbursement-\(index + 1)"
            thread.start()
        }
        self.logger.info(
            "scheduler started",
            metadata: [
                "holder": "\(self.configuration.holder)", "channels": "\(self.channels.map(\.name))",
                "jobs": "\(self.jobs.map(\.kind))",
            ]
        )
        self.loop(dispatcher: dispatcher, jobs: jobs)
        // The listener looks at the stop flag at least once a second; the disbursement thread
        // at every page.
        _ = self.listenerDone.wait(timeout: .now() + 5)
        let deadline = DispatchTime.now() + .seconds(Int(self.configuration.statementTimeout.components.seconds) + 5)
        for _ in self.disbursementSignals {
            _ = self.disbursementDone.wait(timeout: deadline)
        }
        self.logger.info("scheduler stopped")
    }

    private func loop(dispatcher: OutboxDispatcher, jobs: RecurringJobRunner) {
        var failures = 0
        var backlogAt = ContinuousClock.now - .seconds(60)
        while !self.signal.isStopping {
            var sleep = self.configuration.pollInterval
            do {
                let batch = try dispatcher.runBatch()
                try jobs.runDue()
                if ContinuousClock.now - backlogAt >= .seconds(1) {
                    self.metrics.setBacklog(try dispatcher.backlog())
                    backlogAt = .now
                }
                failures = 0
                if batch.hasMore {
                    continue
                }
                if let next = batch.nextTokenIn {
                    sleep = min(sleep, max(next, .milliseconds(10)))
                }
            } catch {
                // The database is away (a restart, a network cut): try again, waiting longer each
                // time up to the poll interval. Leases held meanwhile expire and are reclaimed.
                failures += 1
                self.logger.error("round failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                sleep = min(self.configuration.pollInterval, .milliseconds(100 << min(failures, 6)))
            }
            if self.signal.isStopping { break }
            let woken = self.signal.sleep(timeout: sleep)
            self.metrics.recordWakeup(woken ? .notification : .poll)
        }
    }

    /// The disbursement thread: work tasks while there are any, then sleep until woken or the
    /// poll interval passes.
    private func disburse(_ worker: DisbursementWorker, signal: WakeSignal) {
        var failures = 0
        while !signal.isStopping {
            var sleep = self.configuration.pollInterval
            do {
                if try worker.runOnce() {
                    failures = 0
                    continue
                }
                failures = 0
            } catch {
                failures += 1
                self.logger.error(
                    "disbursement round failed",
                    metadata: ["error": "\(error)", "failures": "\(failures)"]
                )
                sleep = min(self.configuration.pollInterval, .milliseconds(100 << min(failures, 6)))
            }
            if signal.isStopping { break }
            _ = signal.sleep(timeout: sleep)
        }
    }

    /// The listener thread: LISTEN on a connection of its own, wake the loop for every
    /// notification; after a broken connection, connect again, LISTEN again and wake the loop
    /// once (notifications sent meanwhile are lost: the loop's look catches up).
    private func listen() {
        var settings = self.database
        settings.applicationName = "shebao-scheduler-listener"
        var failures = 0
        while !self.signal.isStopping {
            var listener: PostgresListener?
            do {
                let opened = try PostgresListener(configuration: settings)
                listener = opened
                try opened.listen(Self.channel)
                self.metrics.setListening(true)
                self.logger.info("listening", metadata: ["channel": "\(Self.channel)"])
                failures = 0
                self.signal.wake()
                for signal in self.disbursementSignals { signal.wake() }
                while !self.signal.isStopping {
                    if !(try opened.wait(timeout: .seconds(1))).isEmpty {
                        self.signal.wake()
                        for signal in self.disbursementSignals { signal.wake() }
                    }
                }
            } catch {
                self.metrics.setListening(false)
                failures += 1
                self.logger.warning("listener connection lost", metadata: ["error": "\(error)"])
                let pause = min(self.configuration.pollInterval, .milliseconds(100 << min(failures, 6)))
                let until = ContinuousClock.now + pause
                while !self.signal.isStopping && ContinuousClock.now < until {
                    usleep(50_000)
                }
            }
            listener?.close()
        }
        self.metrics.setListening(false)
    }

    private static func checkRole(_ client: PostgresClient) throws {
        let row = try client.query(
            """
            SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, 'shebao_owner', 'MEMBER'), \
            pg_has_role(current_user, 'shebao_app', 'USAGE'), current_user::text \
            FROM pg_catalog.pg_roles r WHERE r.rolname = current_user
            """
        ).single()
        let isPrivileged = try row.decode(0, as: Bool.self)
        let isApplication = try row.decode(1, as: Bool.self)
        guard !isPrivileged && isApplication else {
            throw RoleError(
                description:
                    "the scheduler runs as the application role (a member of shebao_app, not a superuser nor the "
                    + "schema owner), so that row-level security applies; \(try row.decode(2, as: String.self)) is not"
            )
        }
    }
}
