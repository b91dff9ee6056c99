import Domain
import Foundation
import Postgres
import Store
import Synchronization
import TestSupport
import Testing

@testable import Business

/// SCHEDULER.md S2: two transactions insert the same obligation at once, with the computation's
/// own statements; one row results and neither sees an error.
@Suite struct DisbursementObligationTests {
    @Test func s2TwoTransactionsInsertingTheSameObligationMakeOneRowAndNoError() throws {
        let scope = try DisbursementScope()
        let benefits = try scope.addPensioners(5)
        let run = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: .init(202611)), $0)
        }
        let store = Store(database: scope.base.app)
        let range: [any PostgresEncodable & Sendable] = [
            scope.district, "basic_pension", benefits[0] - 1, benefits[4], 202611,
        ]
        let errors = Mutex<[String]>([])
        let inserted = Mutex<[Int]>([])
        // The first holds its insert open until the second has sent its own, which must wait for
        // the first's outcome on the unique key.
        let firstInserted = DispatchSemaphore(value: 0)
        let secondSent = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for index in 0..<2 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    try store.withScope(.office(id: scope.district), principal: .system) { connection in
                        if index == 1 {
                            firstInserted.wait()
                            secondSent.signal()
                        }
                        let lines = try connection.query(ComputeStatements.payees, range + [run.id]).count
                        inserted.withLock { $0.append(lines) }
                        if index == 0 {
                            firstInserted.signal()
                            secondSent.wait()
                            // Give the second's statements time to reach the server and wait.
                            Thread.sleep(forTimeInterval: 0.3)
                        }
                    }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        done.wait()
        #expect(errors.withLock { $0 }.isEmpty)
        // Five lines in all, by whichever got there first; the second, which waited on the
        // obligations' key, finds the first's obligations and lines and adds nothing.
        #expect(inserted.withLock { $0 }.sorted() == [0, 5])
        let lines = try scope.base.sql(
            "SELECT count(*) FROM shebao.payment_attempt WHERE run_id = $1",
            [run.id]
        ).single().decode(0, as: Int.self)
        #expect(lines == 5)
        let obligations = try scope.base.sql(
            "SELECT count(*) FROM shebao.payment_obligation WHERE period = 202611"
        ).single().decode(0, as: Int.self)
        #expect(obligations == 5)
        try scope.checkInvariants()
    }
}
