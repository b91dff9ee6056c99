/// Where an application (业务申请) is in its workflow, as the `status` column holds it: a state
/// machine as a pure value. Its inputs are ``ApplicationEvent``s and its moves are
/// ``ApplicationTransition`` values, which name the status they start from so that the SQL
/// persisting one can expect it.
///
/// draft → submitted → approved | rejected | returned; a returned one may be changed and
/// submitted again; the maker may cancel a draft or a returned one.
public enum ApplicationStatus: String, Sendable, Hashable, CaseIterable {
    /// 草稿: saved by its maker, not yet submitted. Can transition to `submitted` (on
    /// `submitted`) or `cancelled` (on `cancelled`), and stays a draft when `changed`.
    case draft
    /// 已受理，待复核: awaiting a reviewer other than its maker. Can transition to `approved`,
    /// `rejected` or `returned` (on the event of the same name).
    case submitted
    /// 已办结: approved, its effects applied and its voucher issued. Final: no transition.
    case approved
    /// 不予办理: refused, with the reasons. Final: no transition.
    case rejected
    /// 退回补正: sent back with the reasons, for its maker to correct. Can transition to
    /// `submitted` (on `submitted`) or `cancelled` (on `cancelled`), and stays returned when
    /// `changed`.
    case returned
    /// 已撤销: withdrawn by its maker. Final: no transition.
    case cancelled

    /// Why an event cannot happen to an application: the status it is in allows no such move.
    public struct Refusal: Error, Sendable, Hashable {
        /// The status that refused.
        public let status: ApplicationStatus
        /// The event it refused.
        public let event: ApplicationEvent
    }

    /// The move `event` makes from this status.
    ///
    /// - Parameter event: what happens to the application.
    /// - Returns: the transition, from this status to the next, or the refusal naming this
    ///   status when it allows no such move.
    public func transition(on event: ApplicationEvent) -> Result<ApplicationTransition, Refusal> {
        guard let next = self.next(on: event) else {
            return .failure(Refusal(status: self, event: event))
        }
        return .success(ApplicationTransition(from: self, event: event, to: next))
    }

    /// The status after `event`, or nil when this one allows no such move. Every event is
    /// listed for every status, so that a new one is decided everywhere.
    private func next(on event: ApplicationEvent) -> ApplicationStatus? {
        switch self {
        case .draft:
            switch event {
            case .changed: .draft
            case .submitted: .submitted
            case .cancelled: .cancelled
            case .approved, .rejected, .returned: nil
            }
        case .submitted:
            switch event {
            case .approved: .approved
            case .rejected: .rejected
            case .returned: .returned
            case .changed, .submitted, .cancelled: nil
            }
        case .returned:
            switch event {
            case .changed: .returned
            case .submitted: .submitted
            case .cancelled: .cancelled
            case .approved, .rejected, .returned: nil
            }
        case .approved, .rejected, .cancelled:
            switch event {
            case .changed, .submitted, .approved, .rejected, .returned, .cancelled: nil
            }
        }
    }

    /// Whether its maker may still change, submit or cancel it, and documents be attached to
    /// it: a draft or a returned one.
    public var isEditableByMaker: Bool {
        switch self {
        case .draft, .returned: true
        case .submitted, .approved, .rejected, .cancelled: false
        }
    }

    /// Whether it waits for a reviewer to approve, reject or return it.
    public var isAwaitingReview: Bool {
        switch self {
        case .submitted: true
        case .draft, .approved, .rejected, .returned, .cancelled: false
        }
    }

    /// Whether its workflow is over: no event moves it any more.
    public var isFinal: Bool {
        switch self {
        case .approved, .rejected, .cancelled: true
        case .draft, .submitted, .returned: false
        }
    }
}

/// What happens to an application: the inputs of ``ApplicationStatus``'s machine, in the past
/// tense.
public enum ApplicationEvent: String, Sendable, Hashable, CaseIterable {
    /// Its maker changed the payload (and the checks ran again).
    case changed
    /// Its maker submitted it for review.
    case submitted
    /// A reviewer approved it.
    case approved
    /// A reviewer refused it, with the reasons.
    case rejected
    /// A reviewer returned it for correction, with the reasons.
    case returned
    /// Its maker withdrew it.
    case cancelled
}

/// One move of an application's status, as ``ApplicationStatus/transition(on:)`` allows it:
/// only the machine makes one. The SQL that persists it is a conditional update that expects
/// `from` and writes `to`.
public struct ApplicationTransition: Sendable, Hashable {
    /// The status it starts from: the one its update expects to find.
    public let from: ApplicationStatus
    /// What happened.
    public let event: ApplicationEvent
    /// The status it ends in: the one its update writes.
    public let to: ApplicationStatus
}
