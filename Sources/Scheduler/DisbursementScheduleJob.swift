internal import Business
internal import Domain
public import Postgres
internal import Store

/// Creates the runs the offices' disbursement schedules call for: on or after an office's day
/// of the month (Asia/Shanghai, the database's clock), the current period's run of the kind,
/// unless the office has one already (a cancelled one included: an officer creates it anew).
public struct DisbursementScheduleJob: RecurringJob {
    public let kind = "disbursement.schedule"
    public let interval: Duration

    /// - Parameter interval: from the end of one run to the next (default a minute).
    public init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    public func run(on connection: PostgresConnection) throws -> String {
        var created: [Int64] = []
        for row in try connection.query(Self.due) {
            guard let kind = BenefitKind(rawValue: try row.decode(2, as: String.self)),
                let period = Period(try row.decode(3, as: Int.self))
            else { continue }
            if let run = try DisbursementRuns.createScheduled(
                office: try row.decode(1, as: Int64.self),
                kind: kind,
                period: period,
                on: connection
            ) {
                created.append(run.id)
            }
        }
        try Store.apply(.none, principal: .system, on: connection)
        return "created \(created.count) scheduled runs\(created.isEmpty ? "" : ": \(created)")"
    }

    static let due = PreparedStatement("SELECT * FROM shebao.disbursement_schedules_due()")
}
