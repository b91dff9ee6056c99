import Business
import Domain
import Foundation
import HTTP1
import HTTPServer
import Postgres

/// Vouchers: `GET /api/v1/vouchers/{no}` for operators of the office and the person it names
/// (JSON, or with `Accept: text/html` the printable A4 page), and the public
/// `GET /verify/{no}?code=…`, which confirms a voucher showing masked data only.
public enum VoucherRoutes {
    /// A voucher number: the office's code, the day and the day's sequence.
    static let numberSchema = OpenAPI.Schema.string(
        "The voucher number: office code, date (China time) and sequence.",
        pattern: "^[1-9][0-9]{5}([0-9]{3})?-[0-9]{8}-[0-9]{6}$",
        example: "320102001-20261130-000017"
    )

    public static func register(on api: inout APIRouter, service: BusinessService, publicURL: String = "") {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let number = OpenAPI.Parameter.path("number", Self.numberSchema, "The voucher number.")
        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/vouchers/{number}",
                id: "getVoucher",
                tag: "vouchers",
                summary: "查看办理凭证 / Get a voucher",
                description: "JSON, or with `Accept: text/html` the printable A4 page. The reading is audited.",
                access: .business(.personsAnd(ApplicationRoutes.readers), idempotent: false),
                parameters: [number],
                responses: [
                    200: [
                        "description": "The voucher.",
                        "content": [
                            "application/json": ["schema": OpenAPI.Schema.ref("Voucher")],
                            "text/html": ["schema": ["type": "string"]],
                        ],
                    ]
                ]
            ),
            service: service,
            action: "voucher.read"
        ) { call, input in
            let number = input.string("number") ?? ""
            let voucher = try Vouchers.read(number, call.context)
            let (content, code) = (voucher.content, voucher.verificationCode)
            if Self.wantsHTML(call.request) {
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

        api.add(
            OpenAPI.Operation(
                method: .get,
                path: "/verify/{number}",
                id: "verifyVoucher",
                tag: "vouchers",
                summary: "验证办理凭证 / Verify a voucher",
                description: """
                    Public: confirms that a voucher is authentic, showing masked data only. JSON, or HTML with \
                    `Accept: text/html`. A wrong number or code is a 404 with `valid: false`. Without `code`, the \
                    answer is a page (HTML) where a person types the code printed on the voucher.
                    """,
                access: .open,
                parameters: [
                    number,
                    .query(
                        "code",
                        OpenAPI.Schema.string(
                            "\(VoucherCode.length) base32 characters; case, spaces and hyphens do not matter.",
                            maxLength: 64
                        ),
                        "The verification code printed on the voucher."
                    ),
                ],
                responses: [
                    200: Self.verification("Authentic; or, without `code`, the page that asks for it (HTML)."),
                    404: Self.verification("No such voucher, or the code does not match."),
                ]
            )
        ) { request, input in
            let number = input.string("number") ?? ""
            guard let given = input.string("code") else {
                return HTTPResponse(
                    status: 200,
                    headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                    body: Array(VoucherPage.verificationForm(number: number).utf8)
                )
            }
            let content = try service.authenticator.database.withTransaction { connection in
                try Vouchers.verify(number, code: given, on: connection)
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

    static func verification(_ description: String) -> OpenAPI.JSONValue {
        [
            "description": .string(description),
            "headers": ["Cache-Control": OpenAPI.Components.header("Cache-Control")],
            "content": [
                "application/json": ["schema": OpenAPI.Schema.ref("VerificationResult")],
                "text/html": ["schema": ["type": "string"]],
            ],
        ]
    }

    static func wantsHTML(_ request: HTTPRequest) -> Bool {
        guard let accept = request.headers["Accept"] else { return false }
        return accept.contains("text/html")
    }
}
