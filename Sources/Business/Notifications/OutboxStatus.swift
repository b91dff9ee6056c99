public import Domain

/// Where a message of the notification outbox is in its delivery, as the `status` column holds
/// it. The scheduler moves a pending message to `sent`, `failed` or `dead`; an administrator's
/// retry (``NotificationAdministration/retry(_:_:)``) moves a failed or dead one back to pending.
public enum OutboxStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its next attempt, or being delivered.
    case pending
    /// Delivered.
    case sent
    /// Refused for good by its channel.
    case failed
    /// Its attempts ran out.
    case dead

    /// Whether an administrator may send it again: it failed or its attempts ran out.
    public var isRetryable: Bool {
        switch self {
        case .failed, .dead: true
        case .pending, .sent: false
        }
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
