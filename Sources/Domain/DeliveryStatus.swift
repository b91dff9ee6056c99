/// Where a notification outbox row is in its delivery, as the `status` column holds it: a state
/// machine as a pure value. Its inputs are ``DeliveryEvent``s and its moves are
/// ``DeliveryTransition`` values, which name the status they start from so that the SQL
/// persisting one can expect it (together with the lease it holds).
///
/// pending → sent | failed | dead; a failed attempt with attempts left stays pending, due again
/// after a back-off.
public enum DeliveryStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its next attempt, or leased to a scheduler making one. Can transition to
    /// `sent` (on `delivered`), `failed` (on `refused`), `dead` (on `lastAttemptFailed`), and
    /// stays pending on `attemptFailed`.
    case pending
    /// Delivered. Final: no transition.
    case sent
    /// Refused for good by its channel (a poison message). Back to `pending` only when an
    /// administrator sends it again (`retried`).
    case failed
    /// Its attempts ran out. Back to `pending` only when an administrator sends it again.
    case dead

    /// The move `event` makes from this status.
    ///
    /// - Returns: the transition, or nil when this status allows no such move (it is final).
    public func transition(on event: DeliveryEvent) -> DeliveryTransition? {
        let next: DeliveryStatus?
        switch self {
        case .pending:
            switch event {
            case .delivered: next = .sent
            case .attemptFailed: next = .pending
            case .lastAttemptFailed: next = .dead
            case .refused: next = .failed
            case .retried: next = nil
            }
        case .failed, .dead:
            next = event == .retried ? .pending : nil
        case .sent:
            next = nil
        }
        return next.map { DeliveryTransition(from: self, event: event, to: $0) }
    }

    /// Whether an administrator may send it again: it failed or its attempts ran out.
    public var isRetryable: Bool {
        self.transition(on: .retried) != nil
    }

    /// The status in words, in `language`.
    public func name(_ language: Language) -> String {
        let names: (zh: String, en: String) =
            switch self {
            case .pending: ("待发送", "pending")
            case .sent: ("已发送", "sent")
            case .failed: ("发送失败", "failed")
            case .dead: ("重试次数已用尽", "dead: its attempts ran out")
            }
        return language == .en ? names.en : names.zh
    }
}

/// What an attempt to deliver a message came to.
public enum DeliveryEvent: String, Sendable, Hashable, CaseIterable {
    /// The channel took it.
    case delivered
    /// The channel failed for now, and attempts are left.
    case attemptFailed
    /// The channel failed for now, on the last attempt allowed.
    case lastAttemptFailed
    /// The channel refused it for good.
    case refused
    /// An administrator sent a failed or dead message again.
    case retried
}

/// One move of a delivery's status.
public struct DeliveryTransition: Sendable, Hashable {
    /// The status the row must still be in (its update expects it).
    public let from: DeliveryStatus
    public let event: DeliveryEvent
    public let to: DeliveryStatus
}
