/// Where a benefit is, as the `benefit.status` column holds it: a state machine as a pure value.
/// Its inputs are ``BenefitEvent``s and its moves are ``BenefitTransition`` values, which name the
/// status they start from so that the SQL persisting one can expect it.
///
/// active ⇄ suspended; either → ended, which is final. A suspended or ended benefit carries the
/// reason and the day it took effect; an active one neither.
public enum BenefitStatus: String, Sendable, Hashable, CaseIterable {
    /// 正常发放: paid every month from its start period. Can transition to `suspended` (on
    /// `suspended`) or `ended` (on `ended`).
    case active
    /// 暂停发放: not paid until resumed (a proof of life not given, a whereabouts unknown). Can
    /// transition to `active` (on `resumed`) or `ended` (on `ended`).
    case suspended
    /// 终止发放: no longer paid (death, re-employment, the entitlement's end). Final: no
    /// transition.
    case ended

    /// Why an event cannot happen to a benefit: the status it is in allows no such move.
    public struct Refusal: Error, Sendable, Hashable {
        /// The status that refused.
        public let status: BenefitStatus
        /// The event it refused.
        public let event: BenefitEvent
    }

    /// The move `event` makes from this status.
    ///
    /// - Parameter event: what happens to the benefit.
    /// - Returns: the transition, or the refusal naming this status when it allows no such move.
    public func transition(on event: BenefitEvent) -> Result<BenefitTransition, Refusal> {
        let next: BenefitStatus? =
            switch (self, event) {
            case (.active, .suspended): .suspended
            case (.active, .ended), (.suspended, .ended): .ended
            case (.suspended, .resumed): .active
            case (.active, .resumed), (.suspended, .suspended), (.ended, .suspended), (.ended, .resumed),
                (.ended, .ended):
                nil
            }
        guard let next else { return .failure(Refusal(status: self, event: event)) }
        return .success(BenefitTransition(from: self, event: event, to: next))
    }

    /// Whether it carries a reason and the day it took effect: a suspended or ended benefit.
    public var hasReason: Bool {
        switch self {
        case .active: false
        case .suspended, .ended: true
        }
    }

    /// The status in words, in `language`.
    public func name(_ language: Language) -> String {
        let names: (zh: String, en: String) =
            switch self {
            case .active: ("正常发放", "active")
            case .suspended: ("暂停发放", "suspended")
            case .ended: ("终止发放", "ended")
            }
        return language == .en ? names.en : names.zh
    }
}

/// What happens to a benefit: the inputs of ``BenefitStatus``'s machine, in the past tense.
public enum BenefitEvent: String, Sendable, Hashable, CaseIterable {
    /// Payment stopped for now, with the reason.
    case suspended
    /// A suspended benefit is paid again.
    case resumed
    /// Payment stopped for good, with the reason.
    case ended

    /// The event that leads to `status`: what a request asking for that status means.
    public init(leadingTo status: BenefitStatus) {
        switch status {
        case .active: self = .resumed
        case .suspended: self = .suspended
        case .ended: self = .ended
        }
    }
}

/// One move of a benefit's status, as ``BenefitStatus/transition(on:)`` allows it. The SQL that
/// persists it is a conditional update that expects `from` and writes `to`.
public struct BenefitTransition: Sendable, Hashable {
    /// The status it starts from: the one its update expects to find.
    public let from: BenefitStatus
    /// What happened.
    public let event: BenefitEvent
    /// The status it ends in: the one its update writes.
    public let to: BenefitStatus
}
