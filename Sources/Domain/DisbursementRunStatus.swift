/// Where a disbursement run (发放批次) is, as the `disbursement_run.status` column holds it: a
/// state machine as a pure value. Its inputs are ``DisbursementRunEvent``s and its moves
/// ``DisbursementRunTransition``s, which name the status they start from so that the SQL
/// persisting one can expect it (SCHEDULER.md invariant 3: 0 rows means someone moved first).
///
/// computing → computed → approved → exported → reconciled, or cancelled before export.
public enum DisbursementRunStatus: String, Sendable, Hashable, CaseIterable {
    /// The scheduler is computing its lines, page by page from a checkpoint.
    case computing
    /// Its lines and control totals are frozen; an approver may approve it.
    case computed
    /// Approved by an officer other than its creator; the scheduler writes its bank files.
    case approved
    /// Its bank files are written; the bank's answers are awaited.
    case exported
    /// Every line is settled, paid or failed. Final.
    case reconciled
    /// Cancelled before export; its lines are free for another run. Final.
    case cancelled

    /// The move `event` makes from this status.
    ///
    /// - Returns: the transition, or nil when this status allows no such move.
    public func transition(on event: DisbursementRunEvent) -> DisbursementRunTransition? {
        let next: DisbursementRunStatus? =
            switch (self, event) {
            case (.computing, .computed): .computed
            case (.computed, .approved): .approved
            case (.approved, .exported): .exported
            case (.exported, .settled): .reconciled
            case (.computing, .cancelled), (.computed, .cancelled), (.approved, .cancelled): .cancelled
            default: nil
            }
        return next.map { DisbursementRunTransition(from: self, event: event, to: $0) }
    }

    /// Whether the run holds its period: a cancelled one leaves it for a new run.
    public var isLive: Bool { self != .cancelled }

    /// The status in words, in `language`.
    public func name(_ language: Language) -> String {
        let names: (zh: String, en: String) =
            switch self {
            case .computing: ("计算中", "computing")
            case .computed: ("待审批", "computed, awaiting approval")
            case .approved: ("已审批", "approved")
            case .exported: ("已生成银行文件", "exported")
            case .reconciled: ("已对账", "reconciled")
            case .cancelled: ("已取消", "cancelled")
            }
        return language == .en ? names.en : names.zh
    }
}

/// What happens to a run.
public enum DisbursementRunEvent: String, Sendable, Hashable, CaseIterable {
    /// The scheduler finished computing it.
    case computed
    /// An approver approved it.
    case approved
    /// The scheduler wrote its bank files.
    case exported
    /// The bank's answers settled its last line.
    case settled
    /// An officer cancelled it.
    case cancelled
}

/// One move of a run's status.
public struct DisbursementRunTransition: Sendable, Hashable {
    /// The status the run must still be in (its update expects it).
    public let from: DisbursementRunStatus
    public let event: DisbursementRunEvent
    public let to: DisbursementRunStatus
}
