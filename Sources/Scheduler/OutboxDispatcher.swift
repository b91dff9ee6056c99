internal import Domain
internal import Logging
internal import Postgres
internal import Store

/// An outbox row claimed under a lease: what ``OutboxStatements/claim`` returns.
struct ClaimedMessage: Sendable, Equatable {
    var id: Int64
    var officeID: Int64
    var epoch: Int64
}

/// Delivers the notification outbox. Due rows are claimed per channel, across offices, by
/// `shebao.outbox_claim` (a lease for this scheduler); each row is then delivered in
/// transactions scoped to its own office, as the application role, under row-level security.
///
/// Confined to the job loop's thread; not `Sendable`.
final class OutboxDispatcher {
    /// What one round of claiming and delivering did.
    struct BatchResult: Sendable, Equatable {
        /// Rows claimed (and so delivered, retried, given up or dropped).
        var claimed = 0
        /// Whether a channel had a full batch: more may be due at once.
        var hasMore = false
        /// When the first rate-limited channel has a token again, if one ran out.
        var nextTokenIn: Duration?
    }

    /// The message a touched row makes, or why there is none.
    private enum Touched {
        case ready(OutboundMessage)
        case unrenderable(attempt: Int, error: String)
        case leaseLost
    }

    private let store: Store
    private let configuration: SchedulerConfiguration
    private let channels: [Channel]
    private let metrics: SchedulerMetrics
    private let logger: Logger
    private let failPoints: FailPoints
    /// protected by: the job loop's thread (the only one that calls this object).
    private var buckets: [String: TokenBucket] = [:]

    init(
        store: Store,
        configuration: SchedulerConfiguration,
        channels: [Channel],
        metrics: SchedulerMetrics,
        logger: Logger,
        failPoints: FailPoints
    ) {
        self.store = store
        self.configuration = configuration
        self.channels = channels
        self.metrics = metrics
        self.logger = logger
        self.failPoints = failPoints
        let now = ContinuousClock.now
        for channel in channels {
            if let limit = configuration.rateLimits[channel.name] {
                self.buckets[channel.name] = TokenBucket(rate: limit.messagesPerSecond, burst: limit.burst, now: now)
            }
        }
    }

    private var leaseMilliseconds: Int64 { self.configuration.leaseDuration.milliseconds }

    /// Claims up to a batch of due rows for every channel (fewer where the rate limit allows
    /// fewer: those rows are not claimed, so they wait without an attempt counted) and delivers
    /// them.
    ///
    /// - Throws: ``PostgresError`` when a claim fails; a failure on one row is recorded on that
    ///   row and the batch goes on.
    func runBatch() throws -> BatchResult {
        var result = BatchResult()
        for channel in self.channels {
            var allowed = self.configuration.batchSize
            if var bucket = self.buckets[channel.name] {
                allowed = bucket.take(upTo: allowed, now: .now)
                if allowed == 0 {
                    let wait = bucket.timeUntilNextToken(now: .now)
                    result.nextTokenIn = min(result.nextTokenIn ?? wait, wait)
                }
                self.buckets[channel.name] = bucket
                if allowed == 0 { continue }
            }
            let claimed = try self.claim(channel.name, count: allowed)
            self.buckets[channel.name]?.giveBack(allowed - claimed.count)
            self.metrics.record(.claimed, kind: channel.name, count: claimed.count)
            result.claimed += claimed.count
            if claimed.count == allowed && allowed > 0 {
                result.hasMore = true
            }
            if claimed.isEmpty { continue }
            self.logger.debug("claimed", metadata: ["channel": "\(channel.name)", "count": "\(claimed.count)"])
            self.failPoints.hit("outbox.after_claim")
            for message in claimed {
                self.deliver(message, through: channel)
            }
        }
        return result
    }

    /// The pending rows per channel and the age of the oldest, for the metrics.
    func backlog() throws -> [String: (pending: Int, oldestSeconds: Double)] {
        var backlog: [String: (pending: Int, oldestSeconds: Double)] = [:]
        for channel in self.channels {
            backlog[channel.name] = (0, 0)
        }
        try self.store.database.withConnection { connection in
            for row in try connection.query(OutboxStatements.backlog) {
                backlog[try row.decode(0, as: String.self)] = (try row.decode(1, as: Int.self), try row.decode(2))
            }
        }
        return backlog
    }

    private func claim(_ channel: String, count: Int) throws -> [ClaimedMessage] {
        try self.store.database.withConnection { connection in
            try connection.query(
                OutboxStatements.claim,
                [self.configuration.holder, self.leaseMilliseconds, channel, count]
            ).map { row in
                ClaimedMessage(id: try row.decode(0), officeID: try row.decode(1), epoch: try row.decode(2))
            }
        }
    }

    // MARK: One row

    private func deliver(_ claimed: ClaimedMessage, through channel: Channel) {
        do {
            switch channel {
            case .transactional(let inbox):
                do {
                    try self.deliverInTransaction(claimed, through: inbox, kind: channel.name)
                } catch is LeaseLost {
                    self.leaseLost(claimed, kind: channel.name)
                }
            case .external(let gateway):
                try self.deliverOutside(claimed, through: gateway, kind: channel.name)
            }
        } catch {
            self.logger.error(
                "delivery failed",
                metadata: ["outbox": "\(claimed.id)", "channel": "\(channel.name)", "error": "\(error)"]
            )
            // A failure of the database itself (a constraint, a timeout) counts as an attempt,
            // so that a row that always fails ends up dead instead of being retried forever.
            // A broken connection does not: the lease expires and the row is claimed again.
            if let error = error as? PostgresError, error.isConnectionLevel { return }
            try? self.store.withScope(.office(id: claimed.officeID), principal: .system) { connection in
                guard let attempts = try self.touchAttempts(claimed, on: connection) else { return }
                _ = try self.record(
                    .retryLater(error: "\(error)"),
                    claimed,
                    attempt: attempts + 1,
                    kind: channel.name,
                    on: connection
                )
            }  // best effort: if this fails too, the lease expires and the row is claimed again
        }
    }

    /// The inbox: the fenced touch, the delivery and its outcome in one transaction.
    private func deliverInTransaction(
        _ claimed: ClaimedMessage,
        through channel: any TransactionalDeliveryChannel,
        kind: String
    ) throws {
        try self.store.withScope(.office(id: claimed.officeID), principal: .system) { connection in
            switch try self.touch(claimed, on: connection) {
            case .leaseLost:
                self.leaseLost(claimed, kind: kind)
            case .unrenderable(let attempt, let error):
                _ = try self.record(
                    .permanentFailure(error: error),
                    claimed,
                    attempt: attempt,
                    kind: kind,
                    on: connection
                )
            case .ready(let message):
                let outcome = try channel.deliver(message, on: connection)
                // The touch holds the row's lock until commit, so this update is not expected
                // to be fenced; if it were, the delivery rolls back with it.
                guard try self.record(outcome, claimed, attempt: message.attempt, kind: kind, on: connection) else {
                    throw LeaseLost()
                }
            }
        }
    }

    /// A fenced write changed 0 rows inside a transaction: roll it back.
    private struct LeaseLost: Error {}

    /// A gateway: the fenced touch in one transaction, the delivery outside any, the outcome
    /// (fenced again) in another.
    private func deliverOutside(_ claimed: ClaimedMessage, through channel: any DeliveryChannel, kind: String) throws {
        let touched = try self.store.withScope(.office(id: claimed.officeID), principal: .system) { connection in
            let touched = try self.touch(claimed, on: connection)
            if case .unrenderable(let attempt, let error) = touched {
                _ = try self.record(
                    .permanentFailure(error: error),
                    claimed,
                    attempt: attempt,
                    kind: kind,
                    on: connection
                )
            }
            return touched
        }
        guard case .ready(let message) = touched else {
            if case .leaseLost = touched {
                self.leaseLost(claimed, kind: kind)
            }
            return
        }
        let outcome = channel.deliver(message)
        self.failPoints.hit("outbox.after_deliver")
        let record = {
            try self.store.withScope(.office(id: claimed.officeID), principal: .system) { connection in
                try self.record(outcome, claimed, attempt: message.attempt, kind: kind, on: connection)
            }
        }
        let recorded: Bool
        do {
            recorded = try record()
        } catch let error as PostgresError where !error.isConnectionLevel {
            // The message went out (or failed) already: record what happened once more, rather
            // than let the caller count a failed attempt, which would send a delivered one again.
            self.logger.warning(
                "recording a delivery failed; trying once more",
                metadata: ["outbox": "\(claimed.id)", "error": "\(error)"]
            )
            recorded = try record()
        }
        if !recorded {
            self.leaseLost(claimed, kind: kind)
        }
    }

    /// The fenced first write of an attempt: extends the lease and reads the row, and renders
    /// its text.
    private func touch(_ claimed: ClaimedMessage, on connection: PostgresConnection) throws -> Touched {
        let rows = try connection.query(
            OutboxStatements.touch,
            [claimed.id, claimed.epoch, self.configuration.holder, self.leaseMilliseconds]
        )
        guard let row = rows.first else { return .leaseLost }
        let template = try row.decode(2, as: String.self)
        let attempt = try row.decode(4, as: Int.self) + 1
        let language = try row.decode(7, as: String.self)
        guard let texts = try connection.query(OutboxStatements.template, [template, language]).first else {
            return .unrenderable(attempt: attempt, error: "no template \(template)")
        }
        let title: String
        let body: String
        do {
            let values = try MessageTemplate.values(ofPayload: try row.decode(3, as: String.self))
            title = try MessageTemplate.render(try texts.decode(0, as: String.self), values: values)
            body = try MessageTemplate.render(try texts.decode(1, as: String.self), values: values)
        } catch {
            return .unrenderable(attempt: attempt, error: "template \(template): \(error)")
        }
        return .ready(
            OutboundMessage(
                id: claimed.id,
                officeID: claimed.officeID,
                channel: try row.decode(0),
                address: try row.decode(1),
                personID: try row.decode(5),
                operatorID: try row.decode(6),
                template: template,
                language: language,
                title: title,
                body: body,
                attempt: attempt
            )
        )
    }

    /// The attempts so far of a row still under this lease, extending the lease; nil if lost.
    private func touchAttempts(_ claimed: ClaimedMessage, on connection: PostgresConnection) throws -> Int? {
        let rows = try connection.query(
            OutboxStatements.touch,
            [claimed.id, claimed.epoch, self.configuration.holder, self.leaseMilliseconds]
        )
        return try rows.first?.decode(4, as: Int.self)
    }

    /// Writes an attempt's outcome, fenced by the lease: the transition of the row's
    /// ``DeliveryStatus`` the outcome makes, conditional on the status it starts from.
    ///
    /// - Returns: whether the row was still this lease's (false: 0 rows changed).
    private func record(
        _ outcome: DeliveryOutcome,
        _ claimed: ClaimedMessage,
        attempt: Int,
        kind: String,
        on connection: PostgresConnection
    ) throws -> Bool {
        let event: DeliveryEvent
        var error = ""
        var delay = Duration.zero
        switch outcome {
        case .delivered:
            event = .delivered
        case .retryLater(let reason, let notBefore):
            error = reason
            switch self.configuration.retry.decision(afterFailedAttempt: attempt, jitter: .random(in: 0...1)) {
            case .retry(let after):
                event = .attemptFailed
                delay = max(after, min(notBefore ?? .zero, self.configuration.retry.maxDelay))
            case .deadLetter:
                event = .lastAttemptFailed
            }
        case .permanentFailure(let reason):
            error = reason
            event = .refused
        }
        // Only pending rows are claimed, and a pending row moves on every event.
        guard let transition = DeliveryStatus.pending.transition(on: event) else {
            preconditionFailure("a pending delivery refused \(event)")
        }
        let lease: [(any PostgresEncodable)?] = [claimed.id, claimed.epoch, self.configuration.holder]
        let expected = transition.from.rawValue
        switch transition.to {
        case .sent:
            guard let row = try connection.query(OutboxStatements.markSent, lease + [expected]).first else {
                return false
            }
            self.metrics.record(.done, kind: kind)
            self.metrics.recordDeliveryLatency(seconds: try row.decode(0, as: Double.self))
        case .pending:
            let changed = try connection.query(
                OutboxStatements.markRetry,
                lease + [error, delay.milliseconds, expected]
            )
            guard changed.affectedRows == 1 else { return false }
            self.metrics.record(.retried, kind: kind)
            self.logger.info(
                "delivery will be retried",
                metadata: ["outbox": "\(claimed.id)", "attempt": "\(attempt)", "error": "\(error)"]
            )
        case .failed, .dead:
            let changed = try connection.query(
                OutboxStatements.markGivenUp,
                lease + [error, transition.to.rawValue, expected]
            )
            guard changed.affectedRows == 1 else { return false }
            self.metrics.record(.failed, kind: kind)
            self.logger.warning(
                "delivery given up",
                metadata: ["outbox": "\(claimed.id)", "status": "\(transition.to.rawValue)", "error": "\(error)"]
            )
        }
        return true
    }

    private func leaseLost(_ claimed: ClaimedMessage, kind: String) {
        self.metrics.record(.fenced, kind: kind)
        self.logger.warning(
            "lease lost: the row is another holder's now; its write changed 0 rows, dropping it",
            metadata: ["outbox": "\(claimed.id)", "epoch": "\(claimed.epoch)"]
        )
    }
}

@available(*, unavailable)
extension OutboxDispatcher: Sendable {}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
