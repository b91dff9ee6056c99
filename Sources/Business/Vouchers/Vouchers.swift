public import Postgres

/// A voucher as stored: its content and the verification code printed on it.
public struct IssuedVoucher: Sendable, Equatable {
    public var number: String
    public var verificationCode: String
    public var content: VoucherContent
}

/// Vouchers read by their holders and checked by anyone.
public enum Vouchers {
    /// The voucher `number` of the caller's offices (or the person's own); the reading is
    /// audited.
    ///
    /// - Throws: ``BusinessFailure`` notFound.
    public static func read(_ number: String, _ context: BusinessContext) throws -> IssuedVoucher {
        guard let row = try context.connection.query(Self.find, [number]).first else {
            throw BusinessFailure.notFound("该凭证", "voucher")
        }
        let voucher = IssuedVoucher(
            number: number,
            verificationCode: try row.decode("verification_code", as: String.self),
            content: try row.decode("content", as: PostgresJSON.self).decode(VoucherContent.self)
        )
        try context.audit("voucher.read", target: ("voucher", try row.decode("id", as: Int64.self)))
        return voucher
    }

    /// The content of voucher `number` when `code` is its verification code and the stored code
    /// is still the content's (an edited row fails); nil otherwise, which tells no more. Public:
    /// it needs no scope, and shows what a voucher shows (identities masked).
    ///
    /// - Parameter connection: a connection in a transaction.
    public static func verify(
        _ number: String,
        code: String,
        on connection: PostgresConnection
    ) throws
        -> VoucherContent?
    {
        guard let row = try connection.query(Self.findPublic, [number]).first,
            let key = try connection.query(VoucherIssuance.signingKey).first?.decode(0, as: PostgresBytes.self)
        else { return nil }
        let content = try row.decode("content", as: PostgresJSON.self).decode(VoucherContent.self)
        let stored = try row.decode("verification_code", as: String.self)
        guard VoucherCode.verify(stored, number: number, content: content, key: key.bytes),
            VoucherCode.verify(code, number: number, content: content, key: key.bytes)
        else { return nil }
        return content
    }

    static let find = PreparedStatement(
        "SELECT id, content, verification_code FROM shebao.voucher WHERE number = $1"
    )
    static let findPublic = PreparedStatement(
        "SELECT content, verification_code FROM shebao.voucher_by_number($1)"
    )
}
