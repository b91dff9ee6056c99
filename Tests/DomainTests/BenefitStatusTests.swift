import Domain
import Testing

@Suite struct BenefitStatusTests {
    @Test func anActiveBenefitIsSuspendedOrEndedAndASuspendedOneResumedOrEnded() throws {
        #expect(try BenefitStatus.active.transition(on: .suspended).get().to == .suspended)
        #expect(try BenefitStatus.active.transition(on: .ended).get().to == .ended)
        #expect(try BenefitStatus.suspended.transition(on: .resumed).get().to == .active)
        #expect(try BenefitStatus.suspended.transition(on: .ended).get().to == .ended)
        let move = try BenefitStatus.suspended.transition(on: .ended).get()
        #expect(move.from == .suspended && move.event == .ended)
    }

    /// The refusal of `event` by `status`, or nil when it moves.
    static func refusal(_ status: BenefitStatus, _ event: BenefitEvent) -> BenefitStatus.Refusal? {
        guard case .failure(let refusal) = status.transition(on: event) else { return nil }
        return refusal
    }

    @Test func anEndedBenefitMovesOnNothingAndNoStatusRepeatsItself() {
        for event in BenefitEvent.allCases {
            let refusal = Self.refusal(.ended, event)
            #expect(refusal?.status == .ended && refusal?.event == event, "ended moved on \(event)")
        }
        #expect(Self.refusal(.active, .resumed)?.status == .active)
        #expect(Self.refusal(.suspended, .suspended)?.status == .suspended)
    }

    @Test(arguments: BenefitStatus.allCases)
    func theEventLeadingToAStatusEndsInIt(status: BenefitStatus) {
        let event = BenefitEvent(leadingTo: status)
        for from in BenefitStatus.allCases {
            if case .success(let move) = from.transition(on: event) { #expect(move.to == status) }
        }
    }

    @Test func onlyASuspendedOrEndedBenefitCarriesAReason() {
        #expect(BenefitStatus.allCases.filter(\.hasReason) == [.suspended, .ended])
        #expect(BenefitStatus.suspended.name(.zh) == "暂停发放" && BenefitStatus.ended.name(.en) == "ended")
    }

    @Test func theRecurringKindsArePaidFromTheirSchemes() {
        #expect(
            BenefitKind.recurring == [.basicPension, .unemploymentBenefit, .disabilityAllowance, .survivorPension]
        )
        #expect(BenefitKind.recurring.map(\.scheme.rawValue) == ["110", "210", "410", "110"])
        #expect(BenefitKind.basicPension.name(.zh) == "基本养老金")
        #expect(Set(BenefitKind.allCases.map { $0.name(.en) }).count == BenefitKind.allCases.count)
    }
}
