import Domain
import Foundation
import HTTP1
public import HTTPServer
import Postgres

/// Vouchers: `GET /api/v1/vouchers/{no}` for operators of the office and the person it names
/// (JSON, or with `Accept: text/html` the printable A4 page), and the public
/// `GET /verify/{no}?code=…`, which confirms a voucher showing masked data only.
public enum VoucherRoutes {
    public static func register(on router: inout Router, service: BusinessService, publicURL: String = "") {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        router.add(.get, "/api/v1/vouchers/:number") { request in
            try service.run(request, access: .personsAnd(ApplicationRoutes.readers), action: "voucher.read") { call in
                let number = request.parameters["number"] ?? ""
                guard let row = try call.connection.query(Self.find, [number]).first else {
                    throw BusinessError.notFound("该凭证", "voucher")
                }
                let content = try row.decode("content", as: PostgresJSON.self).decode(VoucherContent.self)
                let code = try row.decode("verification_code", as: String.self)
                try call.audit("voucher.read", target: ("voucher", try row.decode("id", as: Int64.self)))
                if Self.wantsHTML(request) {
                    let page = VoucherPage.html(content, verificationCode: code, verifyPath: "\(base)/verify/\(number)")
                    return HTTPResponse(
                        status: 200,
                        headers: [("Content-Type", "text/html; charset=utf-8")],
                        body: Array(page.utf8)
                    )
                }
                var writer = JSONWriter(capacity: 2048)
                writer.beginObject()
                writer.key("number")
                writer.string(number)
                writer.key("verificationCode")
                writer.string(code)
                writer.key("verifyUrl")
                writer.string("\(base)/verify/\(number)?code=\(code)")
                writer.key("content")
                writer.json(String(decoding: content.jsonBytes, as: UTF8.self))
                writer.endObject()
                return .json(writer.bytes)
            }
        }

        router.add(.get, "/verify/:number") { request in
            let number = request.parameters["number"] ?? ""
            let given = request.query("code") ?? ""
            let content = try service.authenticator.database.withTransaction { connection -> VoucherContent? in
                guard let row = try connection.query(Self.findPublic, [number]).first,
                    let key = try connection.query(VoucherIssuance.signingKey).first?.decode(0, as: PostgresBytes.self)
                else { return nil }
                let content = try row.decode("content", as: PostgresJSON.self).decode(VoucherContent.self)
                let stored = try row.decode("verification_code", as: String.self)
                // The stored code must still be the content's (an edited row fails), and the
                // given one must be it.
                guard VoucherCode.verify(stored, number: number, content: content, key: key.bytes),
                    VoucherCode.verify(given, number: number, content: content, key: key.bytes)
                else { return nil }
                return content
            }
            let status = content == nil ? 404 : 200
            if Self.wantsHTML(request) {
                return HTTPResponse(
                    status: status,
                    headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                    body: Array(VoucherPage.verificationHTML(content, number: number).utf8)
                )
            }
            return HTTPResponse(
                status: status,
                headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                body: VoucherPage.verificationJSON(content, number: number)
            )
        }
    }

    static func wantsHTML(_ request: HTTPRequest) -> Bool {
        guard let accept = request.headers["Accept"] else { return false }
        return accept.contains("text/html")
    }

    static let find = PreparedStatement(
        "SELECT id, content, verification_code FROM shebao.voucher WHERE number = $1"
    )
    static let findPublic = PreparedStatement(
        "SELECT content, verification_code FROM shebao.voucher_by_number($1)"
    )
}
