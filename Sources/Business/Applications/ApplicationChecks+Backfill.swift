import Domain
import Foundation
public import Postgres
import Store

extension ApplicationChecks {
    /// Runs both check stages on every open application that has no stored results (one made
    /// outside the API: demo data, a migration of older records) and stores them, each in a
    /// transaction scoped to its office, so that a reviewer sees what the checks say of it.
    ///
    /// - Parameter connection: a connection that is in no transaction.
    /// - Returns: how many applications were checked.
    /// - Throws: ``PostgresError``.
    public static func recordMissing(on connection: PostgresConnection) throws -> Int {
        let open = ApplicationStatus.allCases.filter { !$0.isFinal }.map(\.rawValue)
        let pending = try connection.query(Self.unchecked, [open]).map {
            (id: try $0.decode("id", as: Int64.self), office: try $0.decode("office_id", as: Int64.self))
        }
        for application in pending {
            try connection.withTransaction { tx in
                try Store.apply(.office(id: application.office), principal: .system, on: tx)
                let record = try ApplicationRecord.load(application.id, forUpdate: true, on: tx)
                let payload = try TypedPayload.decode(record.type, stored: record.payload)
                let outcome = try Self.run(
                    payload,
                    office: try OfficeInfo.load(record.officeID, on: tx),
                    today: CalendarDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                    application: record.id,
                    on: tx
                )
                try tx.query(Self.store, [record.id, try PostgresJSON(encoding: StoredChecks(outcome))])
            }
        }
        return pending.count
    }

    static let unchecked = PreparedStatement(
        """
        SELECT id, office_id FROM shebao.application \
        WHERE check_results IS NULL AND status = ANY($1::text[]) ORDER BY id
        """
    )
    static let store = PreparedStatement(
        "UPDATE shebao.application SET check_results = $2::jsonb WHERE id = $1 AND check_results IS NULL"
    )
}
