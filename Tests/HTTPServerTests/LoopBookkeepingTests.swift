import HTTP1
import Testing

@testable import HTTPServer

/// The event loop's own bookkeeping: connections by descriptor, and request counts handed to the
/// shared metrics once per round.
@Suite struct LoopBookkeepingTests {
    @Test func theConnectionTableFindsCountsAndForgetsConnectionsByDescriptor() {
        var table = ConnectionTable()
        #expect(table.isEmpty)
        #expect(table[7] == nil)
        let machine = HTTPConnectionStateMachine(
            limits: .init(),
            timeouts: .init(
                headerRead: .seconds(1),
                bodyIdle: .seconds(1),
                bodyTotal: .seconds(1),
                writeIdle: .seconds(1),
                keepAliveIdle: .seconds(1)
            ),
            maxRequests: 10,
            maxPipelinedBytes: 1024,
            now: .now
        )
        let first = HTTPConnection(descriptor: 7, id: 1, remoteAddress: "a", machine: machine)
        let second = HTTPConnection(descriptor: 3, id: 2, remoteAddress: "b", machine: machine)
        table[7] = first
        table[3] = second
        #expect(table.count == 2)
        #expect(table[7] === first && table[3] === second)
        #expect(table[4] == nil && table[700] == nil && table[-1] == nil)
        // Replacing a connection keeps the count; forgetting one lowers it, twice changes nothing.
        let third = HTTPConnection(descriptor: 7, id: 3, remoteAddress: "c", machine: machine)
        table[7] = third
        #expect(table.count == 2)
        table[3] = nil
        table[3] = nil
        table[900] = nil
        #expect(table.count == 1)
        #expect(table.all.map(\.id) == [3])
    }

    @Test func aTallyIsMergedIntoTheMetricsOnceAndThenStartsFromZero() {
        let metrics = ServerMetrics()
        metrics.setRoutes([("/a", "GET"), ("/b", "POST")])
        var tally = RequestTally()
        tally.record(route: 0, status: 200, seconds: 0.0001)
        tally.record(route: 0, status: 200, seconds: 0.002)
        tally.record(route: 1, status: 201, seconds: 0.3)
        tally.record(route: -1, status: 404, seconds: 0)
        metrics.merge(&tally)
        metrics.merge(&tally)
        let text = metrics.render(handlerQueue: (0, 0))
        #expect(text.contains(#"shebao_http_requests_total{route="/a",method="GET",status="200"} 2"#), "\(text)")
        #expect(text.contains(#"shebao_http_requests_total{route="/b",method="POST",status="201"} 1"#))
        #expect(text.contains(#"shebao_http_requests_total{route="-",method="-",status="404"} 1"#))
        #expect(text.contains("shebao_http_request_duration_seconds_count 4"))
        #expect(text.contains(#"shebao_http_request_duration_seconds_bucket{le="0.0005"} 2"#))
        #expect(text.contains(#"shebao_http_request_duration_seconds_bucket{le="0.5"} 4"#))
        tally.record(route: 1, status: 201, seconds: 0.3)
        metrics.merge(&tally)
        #expect(metrics.render(handlerQueue: (0, 0)).contains(#"status="201"} 2"#))
    }
}
