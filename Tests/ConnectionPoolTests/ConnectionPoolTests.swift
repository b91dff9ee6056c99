import ConnectionPool
import Foundation
import Synchronization
import TestSupport
import Testing

private final class FakeConnection: PoolableConnection {
    let id: Int
    let isHealthy: Atomic<Bool>
    let isReusable: Atomic<Bool>
    let closeCount = Atomic<Int>(0)

    init(id: Int, healthy: Bool = true, reusable: Bool = true) {
        self.id = id
        self.isHealthy = Atomic(healthy)
        self.isReusable = Atomic(reusable)
    }

    func isHealthyForReuse() -> Bool { self.isHealthy.load(ordering: .relaxed) }
    func prepareForReuse() -> Bool { self.isReusable.load(ordering: .relaxed) }
    func close() { self.closeCount.add(1, ordering: .relaxed) }
}

private struct FactoryFailure: Error {}

private final class Factory: Sendable {
    let opened = Atomic<Int>(0)
    let shouldFail = Atomic<Bool>(false)

    func make() throws -> FakeConnection {
        if self.shouldFail.load(ordering: .relaxed) {
            throw FactoryFailure()
        }
        return FakeConnection(id: self.opened.add(1, ordering: .relaxed).newValue)
    }
}

@Suite struct ConnectionPoolTests {
    private func makePool(max: Int, timeout: Duration = .seconds(5)) -> (ConnectionPool<FakeConnection>, Factory) {
        let factory = Factory()
        let pool = ConnectionPool(
            configuration: .init(maximumConnections: max, acquireTimeout: timeout),
            factory: { try factory.make() }
        )
        return (pool, factory)
    }

    @Test func exhaustionThrowsAfterTheTimeoutInsteadOfHanging() throws {
        let (pool, _) = self.makePool(max: 2, timeout: .milliseconds(200))
        let first = try pool.acquire()
        let second = try pool.acquire()
        let started = ContinuousClock.now
        #expect {
            _ = try pool.acquire()
        } throws: { error in
            (error as? ConnectionPoolError)?.code == .acquireTimeout
        }
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        #expect(pool.statistics == .init(open: 2, idle: 0, waiting: 0))
        pool.release(first)
        pool.release(second)
    }

    @Test func aReleasedConnectionGoesToAWaitingThread() async throws {
        let (pool, factory) = self.makePool(max: 1)
        let held = try pool.acquire()
        let task = Task { try await onThread { try pool.acquire() } }
        while pool.statistics.waiting == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        pool.release(held)
        let received = try await task.value
        #expect(received === held)
        #expect(factory.opened.load(ordering: .relaxed) == 1)
        pool.release(received)
    }

    @Test func anUnhealthyIdleConnectionIsClosedAndReplaced() throws {
        let (pool, factory) = self.makePool(max: 1)
        let first = try pool.acquire()
        pool.release(first)
        first.isHealthy.store(false, ordering: .relaxed)
        let second = try pool.acquire()
        #expect(second !== first)
        #expect(first.closeCount.load(ordering: .relaxed) == 1)
        #expect(factory.opened.load(ordering: .relaxed) == 2)
        pool.release(second)
    }

    @Test func aConnectionThatCannotBeCleanedIsDiscardedOnRelease() throws {
        let (pool, _) = self.makePool(max: 1)
        let first = try pool.acquire()
        first.isReusable.store(false, ordering: .relaxed)
        pool.release(first)
        #expect(first.closeCount.load(ordering: .relaxed) == 1)
        #expect(pool.statistics == .init(open: 0, idle: 0, waiting: 0))
    }

    @Test func aFailedOpenFreesItsSlotAndPassesTheErrorOn() throws {
        let (pool, factory) = self.makePool(max: 1)
        factory.shouldFail.store(true, ordering: .relaxed)
        #expect(throws: FactoryFailure.self) { _ = try pool.acquire() }
        #expect(pool.statistics.open == 0)
        factory.shouldFail.store(false, ordering: .relaxed)
        let connection = try pool.acquire()
        pool.release(connection)
    }

    @Test func closingFailsWaitersAndLaterAcquiresAndClosesReturnedConnections() async throws {
        let (pool, _) = self.makePool(max: 1)
        let held = try pool.acquire()
        let task = Task {
            try await onThread { () -> ConnectionPoolError.Code? in
                do {
                    _ = try pool.acquire()
                    return nil
                } catch let error as ConnectionPoolError {
                    return error.code
                }
            }
        }
        while pool.statistics.waiting == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        pool.close()
        #expect(try await task.value == .poolClosed)
        pool.release(held)
        #expect(held.closeCount.load(ordering: .relaxed) == 1)
        #expect(throws: ConnectionPoolError.self) { _ = try pool.acquire() }
    }

    @Test func manyThreadsShareASmallPoolWithoutExceedingIt() async throws {
        let (pool, factory) = self.makePool(max: 3, timeout: .seconds(10))
        final class Counters: Sendable {
            let inUse = Atomic<Int>(0)
            let peak = Atomic<Int>(0)
        }
        let counters = Counters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await onThread {
                        for _ in 0..<200 {
                            try pool.withConnection { _ in
                                let now = counters.inUse.add(1, ordering: .relaxed).newValue
                                _ = counters.peak.max(now, ordering: .relaxed)
                                counters.inUse.subtract(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counters.peak.load(ordering: .relaxed) <= 3)
        #expect(factory.opened.load(ordering: .relaxed) <= 3)
        #expect(pool.statistics.waiting == 0)
    }
}
