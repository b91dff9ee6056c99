extension OpenAPI {
    /// `components.parameters`, `components.headers`, `components.responses` and the security scheme.
    enum Components {
        /// A reference to `#/components/parameters/<name>`.
        static func parameter(_ name: String) -> JSONValue {
            ["$ref": "#/components/parameters/\(name)"]
        }

        /// A reference to `#/components/headers/<name>`.
        static func header(_ name: String) -> JSONValue {
            ["$ref": "#/components/headers/\(name)"]
        }

        /// A reference to the problem answer of `status`.
        static func problemResponse(_ status: Int) -> JSONValue {
            ["$ref": "#/components/responses/\(Self.problemName(status))"]
        }

        /// The problem answers, by status: what each means on these routes.
        static let problems: [(status: Int, name: String, description: String)] = [
            (
                400, "BadRequest",
                "请求格式错误 / The request does not match this description: `errors` names each member or parameter "
                    + "(its `arguments.in` says `query`, `path` or `header` for a parameter). The server's HTTP parser "
                    + "answers it too, for a malformed request line, target or header."
            ),
            (401, "Unauthorized", "未登录或会话已失效 / No live session, or the log-in was refused."),
            (
                403, "Forbidden",
                "无权办理 / The roles do not allow it, or the password must be changed or a second factor enrolled first."
            ),
            (404, "NotFound", "未找到 / No such resource in the caller's offices (the two are not told apart)."),
            (408, "RequestTimeout", "请求超时 / The request did not arrive in time (the server's HTTP parser)."),
            (409, "Conflict", "与当前状态冲突 / Not possible in the resource's current state, or a duplicate."),
            (412, "PreconditionFailed", "数据已被他人修改 / If-Match does not match: reload (the ETag is sent)."),
            (413, "ContentTooLarge", "内容过大 / The body is larger than the route takes."),
            (414, "URITooLong", "请求地址过长 / The request line is longer than the server takes."),
            (415, "UnsupportedMediaType", "不支持的文件类型 / Not a JPEG, PNG or PDF file."),
            (417, "ExpectationFailed", "不支持的 Expect / An `Expect` other than `100-continue`."),
            (422, "UnprocessableContent", "数据校验未通过 / The data failed the checks: see `errors`."),
            (428, "PreconditionRequired", "缺少 If-Match / The change needs If-Match with the ETag read."),
            (429, "TooManyRequests", "请求过于频繁 / Too many failed log-ins from this address: see Retry-After."),
            (431, "RequestHeaderFieldsTooLarge", "请求头过大 / A header line, or all of them, too large or too many."),
            (500, "InternalServerError", "服务器内部错误 / A fault of the server; the body carries no internals."),
            (501, "NotImplemented", "不支持的传输编码 / A transfer coding other than `chunked`."),
            (
                503, "ServiceUnavailable",
                "服务暂不可用 / The worker is overloaded, a concurrent change won, or the database is down: retry "
                    + "after Retry-After."
            ),
            (505, "HTTPVersionNotSupported", "不支持的 HTTP 版本 / Only HTTP/1.0 and HTTP/1.1 are served."),
        ]

        /// What any route can answer, from the server's own parser and handler pool.
        static let transportStatuses: Set<Int> = [400, 408, 413, 414, 417, 431, 500, 501, 503, 505]

        static func problemName(_ status: Int) -> String {
            Self.problems.first { $0.status == status }?.name ?? "Status\(status)"
        }

        static var responses: [String: JSONValue] {
            var responses: [String: JSONValue] = [:]
            for problem in Self.problems {
                var headers: [String: JSONValue] = ["Content-Language": Self.header("Content-Language")]
                switch problem.status {
                case 401: headers["WWW-Authenticate"] = Self.header("WWW-Authenticate")
                case 412: headers["ETag"] = Self.header("ETag")
                case 429, 503: headers["Retry-After"] = Self.header("Retry-After")
                default: break
                }
                responses[problem.name] = [
                    "description": .string(problem.description),
                    "headers": .object(headers),
                    "content": ["application/problem+json": ["schema": Schema.ref("Problem")]],
                ]
            }
            return responses
        }

        static var parameters: [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: Parameter.components.map { ($0.component ?? $0.name, $0.json) })
        }

        static let headers: [String: JSONValue] = [
            "ETag": [
                "description": """
                The version of an application, a benefit or a disbursement run, quoted: send it back in \
                If-Match. For a file, its SHA-256 in hex, quoted.
                """,
                "schema": ["type": "string", "examples": ["\"3\""]],
            ],
            "Content-Disposition": [
                "description": "`attachment` with the file's name (RFC 6266): `filename` in ASCII, `filename*` whole.",
                "schema": ["type": "string"],
            ],
            "Location": [
                "description": "Where the new resource is.",
                "schema": ["type": "string", "format": "uri-reference"],
            ],
            "Content-Language": [
                "description": "The language of the messages: `zh-CN` or `en`.",
                "schema": ["type": "string", "enum": ["zh-CN", "en"]],
            ],
            "Idempotent-Replayed": [
                "description":
                    "`true` when this is the kept answer of an earlier request with the same Idempotency-Key.",
                "schema": ["type": "string", "enum": ["true"]],
            ],
            "Retry-After": [
                "description": "Seconds to wait before trying again.",
                "schema": ["type": "integer", "minimum": 0],
            ],
            "WWW-Authenticate": [
                "description": "`Bearer realm=\"shebao\"` (RFC 6750).",
                "schema": ["type": "string"],
            ],
            "Cache-Control": [
                "description": "`no-store`: the answer is not to be kept.",
                "schema": ["type": "string"],
            ],
        ]

        static let securitySchemes: [String: JSONValue] = [
            "bearer": [
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "opaque",
                "description": """
                登录后获得的会话令牌 / The token of a log-in (`POST /api/v1/auth/login` or \
                `/api/v1/auth/person/login`): 256 random bits, base32; the server keeps only its SHA-256. \
                Sessions end at log-out, or (by default) after 15 minutes idle or 8 hours in all.
                """,
            ]
        ]
    }
}
