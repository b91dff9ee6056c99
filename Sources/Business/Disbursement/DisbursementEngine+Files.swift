import Postgres

extension DisbursementEngine {
    func export(
        _ task: ClaimedDisbursementTask,
        _ touched: Touched,
        page: Int,
        on connection: PostgresConnection
    ) throws
        -> Step
    {
        throw DisbursementRuns.corrupt
    }

    func importReturn(
        _ task: ClaimedDisbursementTask,
        _ touched: Touched,
        page: Int,
        on connection: PostgresConnection
    ) throws -> Step {
        throw DisbursementRuns.corrupt
    }
}
