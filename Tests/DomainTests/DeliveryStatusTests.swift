import Domain
import Testing

@Suite struct DeliveryStatusTests {
    @Test func aPendingMessageMovesOnEveryEventAndAFinishedOneOnNone() {
        let pending = DeliveryStatus.pending
        #expect(pending.transition(on: .delivered)?.to == .sent)
        #expect(pending.transition(on: .attemptFailed)?.to == .pending)
        #expect(pending.transition(on: .lastAttemptFailed)?.to == .dead)
        #expect(pending.transition(on: .refused)?.to == .failed)
        for status in [DeliveryStatus.sent, .failed, .dead] {
            for event in DeliveryEvent.allCases {
                #expect(status.transition(on: event) == nil, "\(status) moved on \(event)")
            }
        }
        #expect(pending.transition(on: .delivered)?.from == .pending)
    }
}
