import Domain
import Testing

@Suite struct DeliveryStatusTests {
    @Test func aPendingMessageMovesOnEveryEventAndAFinishedOneOnNone() {
        let pending = DeliveryStatus.pending
        #expect(pending.transition(on: .delivered)?.to == .sent)
        #expect(pending.transition(on: .attemptFailed)?.to == .pending)
        #expect(pending.transition(on: .lastAttemptFailed)?.to == .dead)
        #expect(pending.transition(on: .refused)?.to == .failed)
        #expect(pending.transition(on: .retried) == nil, "a pending message is not sent again")
        for event in DeliveryEvent.allCases {
            #expect(DeliveryStatus.sent.transition(on: event) == nil, "sent moved on \(event)")
        }
        for status in [DeliveryStatus.failed, .dead] {
            for event in DeliveryEvent.allCases where event != .retried {
                #expect(status.transition(on: event) == nil, "\(status) moved on \(event)")
            }
            #expect(status.transition(on: .retried)?.to == .pending)
            #expect(status.isRetryable)
        }
        #expect(!DeliveryStatus.pending.isRetryable && !DeliveryStatus.sent.isRetryable)
        #expect(pending.transition(on: .delivered)?.from == .pending)
    }
}
