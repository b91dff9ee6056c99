import Domain
import XCTest

final class DisbursementRunStatusTests: XCTestCase {
    func testTheHappyPathEndsReconciled() {
        var status = DisbursementRunStatus.computing
        for event in [DisbursementRunEvent.computed, .approved, .exported, .settled] {
            guard let transition = status.transition(on: event) else {
                return XCTFail("\(status) refuses \(event)")
            }
            XCTAssertEqual(transition.from, status)
            status = transition.to
        }
        XCTAssertEqual(status, .reconciled)
    }

    func testCancellationOnlyBeforeExport() {
        let cancellable = DisbursementRunStatus.allCases.filter { $0.transition(on: .cancelled) != nil }
        XCTAssertEqual(Set(cancellable), [.computing, .computed, .approved])
        XCTAssertFalse(DisbursementRunStatus.cancelled.isLive)
    }

    func testFinalStatusesMoveNowhere() {
        for status in [DisbursementRunStatus.reconciled, .cancelled] {
            XCTAssertTrue(DisbursementRunEvent.allCases.allSatisfy { status.transition(on: $0) == nil }, "\(status)")
        }
    }

    func testNoStepIsSkipped() {
        XCTAssertNil(DisbursementRunStatus.computing.transition(on: .approved))
        XCTAssertNil(DisbursementRunStatus.computed.transition(on: .exported))
        XCTAssertNil(DisbursementRunStatus.approved.transition(on: .settled))
    }

    func testEveryStatusHasNames() {
        for status in DisbursementRunStatus.allCases {
            XCTAssertNotEqual(status.name(.zh), status.name(.en))
        }
    }
}
