import Foundation
import Postgres
import Security

/// A fresh second factor for a step that moves money: the operator's current TOTP code, which
/// counts once (its time step must be later than the last one accepted from them, at log-in or
/// here), checked in the transaction of the step it guards.
enum StepUp {
    /// Accepts `code` from `operatorID`'s second factor, spending its time step.
    ///
    /// - Throws: ``BusinessFailure`` forbidden when the operator has no second factor, or the
    ///   code is wrong or already used; ``PostgresError``.
    static func confirm(code: String, operator operatorID: Int64, _ context: BusinessContext) throws {
        let row = try context.connection.query(Self.secret, [operatorID]).first
        guard let secret = try row?.decode(0, as: PostgresBytes?.self) ?? nil else {
            throw BusinessFailure.forbidden(
                "审批须使用第二认证因素，请先绑定",
                "approval takes a second factor: enrol one first"
            )
        }
        let now = Int64(context.now.timeIntervalSince1970)
        guard let step = TOTP(secret: secret.bytes).verify(code, at: now),
            try context.connection.query(Self.spend, [operatorID, step]).affectedRows == 1
        else {
            throw BusinessFailure.forbidden(
                "动态验证码错误或已使用，请输入认证器上的新验证码",
                "the second-factor code is wrong or was used already: enter a new one from the authenticator"
            )
        }
    }

    static let secret = PreparedStatement("SELECT totp_secret FROM shebao.operator WHERE id = $1::bigint FOR UPDATE")
    static let spend = PreparedStatement(
        """
        UPDATE shebao.operator SET totp_last_step = $2::bigint \
        WHERE id = $1::bigint AND (totp_last_step IS NULL OR totp_last_step < $2::bigint)
        """
    )
}
