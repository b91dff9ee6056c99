internal import CLibPQ
import Foundation

/// How to reach a PostgreSQL server: a URL or libpq keyword/value settings, passed to
/// `PQconnectdbParams` as arrays, never spliced into a connection string.
///
/// Any libpq keyword can be given (`sslmode`, `sslrootcert`, `target_session_attrs`,
/// `options`, …); the URL's own query parameters are honoured too. Settings given in the URL
/// win over the defaults below; `client_encoding` is always UTF-8.
public struct PostgresConfiguration: Sendable {
    /// One libpq keyword and its value.
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String

        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    /// The URL, if the configuration was made from one. Holds the password: never log it; log
    /// ``redactedDescription`` instead.
    public private(set) var url: String?
    /// Keyword settings. Later entries win over earlier ones and over the URL.
    public var parameters: [Parameter]
    /// Seconds to wait for the server to accept a connection (libpq's `connect_timeout`, applied
    /// per host). Used unless the URL or `parameters` set `connect_timeout` themselves.
    public var connectTimeoutSeconds: Int = 5
    /// `application_name`, shown in `pg_stat_activity`. Used unless the URL sets it.
    public var applicationName: String = "shebao"

    /// A configuration from a `postgres://` or `postgresql://` URL, or a libpq `key=value` string.
    ///
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` if libpq cannot parse it. The error
    ///   never contains the password.
    public init(url: String) throws {
        let secrets = Self.parse(url)
        if let failure = secrets.failure {
            throw PostgresError(
                code: .invalidConfiguration,
                message: Redaction.scrub(failure, secrets: Redaction.passwordCandidates(in: url) + [url])
            )
        }
        self.url = url
        self.parameters = []
    }

    /// A configuration from keyword settings only.
    public init(parameters: [Parameter]) {
        self.url = nil
        self.parameters = parameters
    }

    /// A configuration from the usual pieces.
    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
        var parameters = [
            Parameter("host", host),
            Parameter("port", String(port)),
            Parameter("user", user),
            Parameter("dbname", database),
        ]
        if let password {
            parameters.append(Parameter("password", password))
        }
        self.init(parameters: parameters)
    }

    /// The passwords this configuration carries, to scrub from any message.
    var secrets: [String] {
        var secrets = self.parameters.filter { $0.keyword == "password" }.map(\.value)
        if let url = self.url {
            secrets += Self.parse(url).passwords + Redaction.passwordCandidates(in: url)
        }
        return secrets.filter { !$0.isEmpty }
    }

    /// The keyword/value arrays for `PQconnectdbParams`, in order, and whether the URL must be
    /// expanded (`expand_dbname`).
    var connectParameters: [Parameter] {
        var result = [
            Parameter("connect_timeout", String(self.connectTimeoutSeconds)),
            Parameter("application_name", self.applicationName),
        ]
        if let url = self.url {
            // With expand_dbname, the URL's settings replace the ones before it.
            result.append(Parameter("dbname", url))
        }
        result += self.parameters
        result.append(Parameter("client_encoding", "UTF8"))
        return result
    }

    /// A description for logs: host, port, user and database, never the password.
    public var redactedDescription: String {
        var fields: [String: String] = [:]
        if let url = self.url, let options = Self.options(of: url) {
            for (keyword, value) in options where keyword != "password" {
                fields[keyword] = value
            }
        }
        for parameter in self.parameters where parameter.keyword != "password" {
            fields[parameter.keyword] = parameter.value
        }
        let keys = ["host", "hostaddr", "port", "user", "dbname", "sslmode"]
        return keys.compactMap { key in fields[key].map { "\(key)=\($0)" } }.joined(separator: " ")
    }

    /// A copy that connects to another database on the same server.
    public func withDatabase(_ database: String) -> PostgresConfiguration {
        var copy = self
        copy.parameters.append(Parameter("dbname", database))
        return copy
    }

    /// A copy that connects as another user.
    public func withUser(_ user: String, password: String?) -> PostgresConfiguration {
        var copy = self
        copy.parameters.append(Parameter("user", user))
        copy.parameters.append(Parameter("password", password ?? ""))
        return copy
    }

    private static func parse(_ conninfo: String) -> (passwords: [String], failure: String?) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let text = errorMessage.map { String(cString: $0) } ?? "could not parse the connection URL"
            if let errorMessage {
                PQfreemem(errorMessage)
            }
            return ([], text.trimmingTrailingNewlines())
        }
        defer { PQconninfoFree(options) }
        var passwords: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                passwords.append(String(cString: value))
            }
            option += 1
        }
        return (passwords, nil)
    }

    private static func options(of conninfo: String) -> [(String, String)]? {
        guard let options = PQconninfoParse(conninfo, nil) else {
            return nil
        }
        defer { PQconninfoFree(options) }
        var result: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return result
    }
}

/// Removes secrets from messages that may have quoted them.
enum Redaction {
    /// Replaces every occurrence of each secret, and anything that looks like the password part
    /// of a URL or a `password=` setting, with `***`.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var text = message
        for secret in secrets where !secret.isEmpty {
            text = text.replacing(secret, with: "***")
        }
        return Self.scrubPasswordPatterns(text)
    }

    /// What may be a password in a URL or keyword string that libpq could not parse: the part
    /// between `user:` and `@`, and the value after `password=`, percent-decoded or not.
    static func passwordCandidates(in conninfo: String) -> [String] {
        var candidates: [String] = []
        if let scheme = conninfo.firstRange(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                let raw = String(rest[rest.index(after: colon)..<at])
                candidates.append(raw)
                if let decoded = raw.removingPercentEncoding, decoded != raw {
                    candidates.append(decoded)
                }
            }
        }
        var remaining = Substring(conninfo)
        while let range = remaining.firstRange(of: "password=") {
            remaining = remaining[range.upperBound...]
            let end = remaining.firstIndex(where: { $0 == " " || $0 == "&" }) ?? remaining.endIndex
            candidates.append(String(remaining[..<end]).trimmingCharacters(in: ["'"]))
        }
        return candidates.filter { !$0.isEmpty }
    }

    private static func scrubPasswordPatterns(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        // `scheme://user:password@host`: drop what lies between the first ':' after '//' and '@'.
        while let range = rest.firstRange(of: "://") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[...colon] + "***" + authority[at...]
                rest = rest[authorityEnd...]
            }
        }
        result += rest
        // `password=value` in a keyword string.
        var output = ""
        var remaining = Substring(result)
        while let range = remaining.firstRange(of: "password=") {
            output += remaining[..<range.upperBound] + "***"
            remaining = remaining[range.upperBound...]
            let end = remaining.firstIndex(where: { $0 == " " || $0 == "&" || $0 == "\"" }) ?? remaining.endIndex
            remaining = remaining[end...]
        }
        return output + remaining
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" {
            text.removeLast()
        }
        return text
    }
}
