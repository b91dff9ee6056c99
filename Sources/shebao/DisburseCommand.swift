import ArgumentParser
import Foundation
import HTTP1
import Outbound

#if canImport(Glibc)
    import Glibc
#endif

/// `shebao disburse …`: disbursement runs for officers and approvers, as a client of the HTTP
/// API (the same routes, roles and audit as any other client's).
struct DisburseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disburse",
        abstract: "Disbursement runs (待遇发放) through the HTTP API: for officers and approvers.",
        discussion: """
            Log in once and keep the token: export SHEBAO_TOKEN=$(shebao disburse login --username officer). \
            The server is SHEBAO_URL (default \(ClientOptions.defaultURL), where `make run` serves). Answers are \
            tables; --json prints the API's own answer. A refused request prints the server's message and \
            exits 1.
            """,
        subcommands: [
            DisburseLogin.self, DisburseList.self, DisburseCreate.self, DisburseShow.self, DisburseDiff.self,
            DisburseExclusions.self, DisburseLines.self, DisburseApprove.self, DisburseCancel.self,
            DisburseExport.self, DisburseFiles.self, DisburseDownload.self, DisburseImport.self,
            DisburseFailures.self, DisburseRedrive.self,
        ]
    )
}

/// What every `shebao disburse` command takes: where the server is, the session, the output.
struct ClientOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:8080"

    @Option(help: "The server (default: SHEBAO_URL, else \(ClientOptions.defaultURL)).")
    var url: String?

    @Option(help: "The session token of `shebao disburse login` (default: SHEBAO_TOKEN).")
    var token: String?

    @Option(
        help: "The language of the server's messages and names: zh-CN or en (default: SHEBAO_LANGUAGE, else zh-CN)."
    )
    var language: String?

    @Flag(help: "Print the API's JSON answer instead of a table.")
    var json = false

    var client: APIClient {
        APIClient(
            baseURL: self.url ?? Environment.value("SHEBAO_URL") ?? Self.defaultURL,
            token: self.token ?? Environment.value("SHEBAO_TOKEN"),
            language: self.language ?? Environment.value("SHEBAO_LANGUAGE") ?? "zh-CN"
        )
    }

    /// Runs `body` with the client; a refusal or a failure prints one message and exits 1.
    func call(_ command: String, _ body: (APIClient) throws -> Void) throws {
        do {
            try body(self.client)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("shebao disburse \(command): \(describe(error))")
            throw ExitCode.failure
        }
    }

    /// Prints `response`: its JSON as the server wrote it with --json, else what `table` makes
    /// of it.
    func show(_ response: HTTPClient.Response, _ table: (JSONObject) -> String) {
        if self.json {
            print(String(decoding: response.body, as: UTF8.self))
        } else {
            print(table(JSONObject(response.object)))
        }
    }
}

/// The page of a list the options ask for: `limit` and `cursor`.
struct PageOptions: ParsableArguments {
    @Option(help: "Items per page.")
    var limit: Int?

    @Option(help: "Where the page starts: the cursor the previous page printed.")
    var cursor: Int64?

    /// `limit` and `cursor` as query items.
    var items: [(String, String?)] {
        [("limit", self.limit.map(String.init)), ("cursor", self.cursor.map(String.init))]
    }
}

/// `path` with the query items that have a value, percent-encoded.
func query(_ path: String, _ items: [(String, String?)]) -> String {
    let given = items.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.queryValue($0))" } }
    return given.isEmpty ? path : path + "?" + given.joined(separator: "&")
}

/// A list and, when there is more, how to ask for the next page.
func pageText(_ page: JSONObject, _ table: TextTable) -> String {
    guard case let link as String = page.members["next"], let start = link.range(of: "cursor=") else {
        return table.text
    }
    let cursor = link[start.upperBound...].prefix { $0 != "&" }
    return table.text + "\nmore: --cursor \(cursor)"
}

/// `shebao disburse login`: a session, printed as its token.
struct DisburseLogin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in and print the session's token (for SHEBAO_TOKEN).",
        discussion: "Officers and approvers have a second factor: give its current code with --code."
    )

    @OptionGroup var options: ClientOptions

    @Option(help: "The operator's user name.")
    var username: String

    @Flag(help: "Read the password from standard input (its first line) instead of asking for it.")
    var passwordStdin = false

    @Option(help: "The current code of the second factor.")
    var code: String?

    func run() throws {
        let password: String
        if self.passwordStdin {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            guard let typed = getpass("password for \(self.username): ") else {
                throw ValidationError("cannot read a password: use --password-stdin")
            }
            password = String(cString: typed)
        }
        try self.options.call("login") { api in
            var body: [String: Any] = ["username": self.username, "password": password]
            body["code"] = self.code
            let answer = try api.post("/api/v1/auth/login", json: body)
            self.options.show(answer) { $0["token"] }
        }
    }
}
