import Testing

@testable import ConnectionPool

private final class FakeConnection {
    let id: Int
    init(_ id: Int) { self.id = id }
}

@Suite struct PoolStateMachineTests {
    @Test func opensUpToTheMaximumThenWaits() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 2)
        guard case .open = machine.acquireRequested() else { Issue.record("expected open"); return }
        guard case .open = machine.acquireRequested() else { Issue.record("expected open"); return }
        guard case .wait = machine.acquireRequested() else { Issue.record("expected wait"); return }
        #expect(machine.openCount == 2)
    }

    @Test func reusesTheMostRecentlyReleasedConnectionFirst() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 2)
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        let first = FakeConnection(1)
        let second = FakeConnection(2)
        _ = machine.connectionReleased(first)
        _ = machine.connectionReleased(second)
        guard case .use(let connection) = machine.acquireRequested() else { Issue.record("expected use"); return }
        #expect(connection === second)
        #expect(machine.idle.count == 1)
    }

    @Test func handsAReleasedConnectionToTheOldestWaiter() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 1)
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        let oldest = machine.waiterEnqueued()
        _ = machine.acquireRequested()
        let younger = machine.waiterEnqueued()
        let connection = FakeConnection(1)
        guard case .wake(let woken, .connection(let handed)) = machine.connectionReleased(connection) else {
            Issue.record("expected a hand-over")
            return
        }
        #expect(woken == oldest)
        #expect(handed === connection)
        #expect(machine.waiters == [younger])
        #expect(machine.idle.isEmpty)
    }

    @Test func aDiscardedConnectionLetsTheOldestWaiterOpenAnother() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 1)
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        let waiter = machine.waiterEnqueued()
        guard case .wake(let woken, .mayOpen) = machine.connectionDiscarded() else {
            Issue.record("expected mayOpen")
            return
        }
        #expect(woken == waiter)
        #expect(machine.openCount == 1)
    }

    @Test func aDiscardWithNoWaiterFreesTheSlot() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 1)
        _ = machine.acquireRequested()
        guard case .none = machine.connectionDiscarded() else { Issue.record("expected none"); return }
        #expect(machine.openCount == 0)
        guard case .open = machine.acquireRequested() else { Issue.record("expected open"); return }
    }

    @Test func aTimedOutWaiterLeavesTheQueueUnlessAlreadyWoken() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 1)
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        let first = machine.waiterEnqueued()
        _ = machine.acquireRequested()
        let second = machine.waiterEnqueued()
        let secondGaveUp = machine.waiterTimedOut(second)
        #expect(secondGaveUp)
        _ = machine.connectionReleased(FakeConnection(1))
        let firstGaveUp = machine.waiterTimedOut(first)
        #expect(!firstGaveUp)
        #expect(machine.waiters.isEmpty)
    }

    @Test func closingReturnsIdleConnectionsAndWaitersAndRefusesNewAcquires() {
        var machine = PoolStateMachine<FakeConnection>(maximumConnections: 2)
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        _ = machine.connectionReleased(FakeConnection(1))
        _ = machine.acquireRequested()
        _ = machine.acquireRequested()
        let waiter = machine.waiterEnqueued()
        let (idle, waiters) = machine.closeRequested()
        #expect(idle.isEmpty)
        #expect(waiters == [waiter])
        guard case .fail(let code) = machine.acquireRequested() else { Issue.record("expected fail"); return }
        #expect(code == .poolClosed)
        guard case .close = machine.connectionReleased(FakeConnection(2)) else {
            Issue.record("expected close"); return
        }
    }
}
