import HTTP1

extension AuthRoutes {
    /// The operations of the log-in routes.
    enum Operations {
        static let login = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/login",
            id: "logIn",
            tag: "auth",
            summary: "经办人员登录 / Operator log-in",
            description: """
                User name and password, and the authenticator's code for accounts with a second factor. One \
                answer (401) for an unknown name, a wrong password or code, a locked or disabled account; \
                repeated failures lock the account, and many from one address are refused (429).
                """,
            access: .open,
            requestBody: .json("LoginRequest"),
            responses: [200: OpenAPI.Reply.json("LoginResponse", "Logged in: the session's token.")],
            errors: [401, 429],
            maxBodyBytes: 16 * 1024
        )

        static let personCode = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/person/code",
            id: "sendPersonLoginCode",
            tag: "auth",
            summary: "发送登录验证码 / Send an insured person a log-in code",
            description: """
                Sends a six-digit code, valid five minutes, to the phone registered for the citizen ID. The \
                answer is the same whether or not there is one.
                """,
            access: .open,
            requestBody: .json("PersonCodeRequest"),
            responses: [202: OpenAPI.Reply.json("Status", "Accepted: a code is sent if the number is registered.")],
            errors: [429],
            maxBodyBytes: 1024
        )

        static let personLogin = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/person/login",
            id: "logInPerson",
            tag: "auth",
            summary: "参保人员登录 / Insured person log-in",
            description:
                "Citizen ID with a password or with a code sent by SMS; the session sees the person's own records.",
            access: .open,
            requestBody: .json("PersonLoginRequest"),
            responses: [200: OpenAPI.Reply.json("LoginResponse", "Logged in: the session's token.")],
            errors: [401, 429],
            maxBodyBytes: 16 * 1024
        )

        static let logout = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/logout",
            id: "logOut",
            tag: "auth",
            summary: "退出登录 / Log out",
            description: "Ends the session of the token.",
            access: .session,
            responses: [204: OpenAPI.Reply.empty("Logged out.")]
        )

        static let password = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/password",
            id: "changePassword",
            tag: "auth",
            summary: "修改密码 / Change the password",
            description: """
                The current password and a new one meeting the policy (422 names each rule broken, with a \
                `password_*` code). An operator's other sessions end. An insured person who logged in with a \
                code sets a first password without a current one.
                """,
            access: .session,
            requestBody: .json("PasswordChange"),
            responses: [204: OpenAPI.Reply.empty("Changed.")],
            errors: [409, 422],
            maxBodyBytes: 32 * 1024
        )

        static let beginSecondFactor = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/totp",
            id: "beginSecondFactor",
            tag: "auth",
            summary: "开始绑定动态口令 / Begin enrolling a second factor",
            description: "A new TOTP secret, pending until a code from it is confirmed. Operators only.",
            access: .session,
            responses: [200: OpenAPI.Reply.json("SecondFactorEnrolment", "The secret to add to an authenticator app.")],
            errors: [409]
        )

        static let confirmSecondFactor = OpenAPI.Operation(
            method: .post,
            path: "/api/v1/auth/totp/confirm",
            id: "confirmSecondFactor",
            tag: "auth",
            summary: "确认绑定动态口令 / Confirm the second factor",
            description:
                "A code of the new secret makes it the operator's second factor; ten recovery codes come back.",
            access: .session,
            requestBody: .json("CodeRequest"),
            responses: [200: OpenAPI.Reply.json("RecoveryCodes", "Enrolled.")],
            errors: [409, 422],
            maxBodyBytes: 1024
        )

        static let me = OpenAPI.Operation(
            method: .get,
            path: "/api/v1/auth/me",
            id: "getMe",
            tag: "auth",
            summary: "当前用户 / Who am I",
            description: "The session's operator or person; answers while a password change is pending.",
            access: .session,
            responses: [200: OpenAPI.Reply.json("Me", "The session's principal.")]
        )
    }
}
