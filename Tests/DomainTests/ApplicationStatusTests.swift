import Domain
import Testing

struct ApplicationStatusTests {
    /// The workflow's moves, written out once: every (status, event) pair missing here is
    /// refused.
    static let allowed: [ApplicationStatus: [ApplicationEvent: ApplicationStatus]] = [
        .draft: [.changed: .draft, .submitted: .submitted, .cancelled: .cancelled],
        .submitted: [.approved: .approved, .rejected: .rejected, .returned: .returned],
        .returned: [.changed: .returned, .submitted: .submitted, .cancelled: .cancelled],
    ]

    @Test func theStatusesAreTheColumnsSix() {
        #expect(
            ApplicationStatus.allCases.map(\.rawValue)
                == ["draft", "submitted", "approved", "rejected", "returned", "cancelled"]
        )
        #expect(ApplicationStatus(rawValue: "Draft") == nil)
        #expect(ApplicationStatus(rawValue: "pending") == nil)
    }

    @Test(arguments: ApplicationStatus.allCases, ApplicationEvent.allCases)
    func everyPairMovesAsTheTableSaysOrIsRefused(status: ApplicationStatus, event: ApplicationEvent) {
        let expected = Self.allowed[status]?[event]
        switch status.transition(on: event) {
        case .success(let transition):
            #expect(transition.to == expected, "\(status) on \(event)")
            #expect(transition.from == status)
            #expect(transition.event == event)
        case .failure(let refusal):
            #expect(expected == nil, "\(status) on \(event) should give \(expected.map(\.rawValue) ?? "")")
            #expect(refusal.status == status)
            #expect(refusal.event == event)
        }
    }

    @Test(arguments: ApplicationStatus.allCases)
    func theMakerEditsExactlyTheStatusesThatTakeAChange(status: ApplicationStatus) {
        let accepts = Self.allowed[status]?[.changed] != nil
        #expect(status.isEditableByMaker == accepts)
        #expect(status.isEditableByMaker == (Self.allowed[status]?[.submitted] != nil))
        #expect(status.isEditableByMaker == (Self.allowed[status]?[.cancelled] != nil))
    }

    @Test(arguments: ApplicationStatus.allCases)
    func aReviewerDecidesExactlyTheStatusesAwaitingReview(status: ApplicationStatus) {
        for decision in [ApplicationEvent.approved, .rejected, .returned] {
            #expect(status.isAwaitingReview == (Self.allowed[status]?[decision] != nil), "\(decision)")
        }
    }

    @Test(arguments: ApplicationStatus.allCases)
    func aFinalStatusRefusesEveryEvent(status: ApplicationStatus) {
        let moves = ApplicationEvent.allCases.filter { (try? status.transition(on: $0).get()) != nil }
        #expect(status.isFinal == moves.isEmpty)
    }

    @Test func everyStatusIsReachedFromADraft() {
        var reached: Set<ApplicationStatus> = [.draft]
        var frontier: [ApplicationStatus] = [.draft]
        while let status = frontier.popLast() {
            for event in ApplicationEvent.allCases {
                guard let next = try? status.transition(on: event).get().to, reached.insert(next).inserted else {
                    continue
                }
                frontier.append(next)
            }
        }
        #expect(reached == Set(ApplicationStatus.allCases))
    }

    @Test func aReturnedApplicationIsChangedAndSubmittedAgain() throws {
        let returned = try ApplicationStatus.draft.transition(on: .submitted).get().to.transition(on: .returned).get()
        #expect(returned.to == .returned)
        let changed = try returned.to.transition(on: .changed).get()
        #expect(changed.from == .returned && changed.to == .returned)
        let resubmitted = try changed.to.transition(on: .submitted).get()
        #expect(resubmitted.from == .returned && resubmitted.to == .submitted)
        #expect(try resubmitted.to.transition(on: .approved).get().to == .approved)
    }

    @Test func aDecisionAfterACancellationIsRefusedNamingTheCancelledStatus() throws {
        let cancelled = try ApplicationStatus.returned.transition(on: .cancelled).get().to
        #expect(throws: ApplicationStatus.Refusal.self) { try cancelled.transition(on: .approved).get() }
        guard case .failure(let refusal) = cancelled.transition(on: .approved) else {
            Issue.record("a cancelled application was approved")
            return
        }
        #expect(refusal.status == .cancelled)
        #expect(refusal.event == .approved)
    }
}
