import API
import ArgumentParser
import Business
import ConnectionPool
import Foundation
import HTTP1
import HTTPServer
import Postgres
import Security
import TLS

/// Server settings from the environment: every limit and timeout of ``ServerConfiguration``
/// has a variable; unset keeps the safe default, a value that is not a positive whole number
/// stops the worker with a message naming the variable.
enum ServerSettings {
    /// A setting: its variable, what it means (for `--help`-style listings), and where it goes.
    struct Setting<Target>: Sendable {
        var variable: String
        var meaning: String
        var apply: @Sendable (inout Target, Int) -> Void
    }

    /// Applies every setting whose variable is set to `target`.
    ///
    /// - Throws: ``ValidationError`` naming the first variable whose value is not a positive
    ///   whole number below `limit`.
    static func apply<Target>(_ settings: [Setting<Target>], to target: inout Target, below limit: Int = .max) throws {
        for setting in settings {
            guard let text = Environment.value(setting.variable) else { continue }
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = Int(text), value > 0, value < limit
            else {
                throw ValidationError(
                    "\(setting.variable) must be a positive whole number (\(setting.meaning)), not \"\(text)\""
                )
            }
            setting.apply(&target, value)
        }
    }

    static let settings: [Setting<ServerConfiguration>] = [
        Setting(variable: "SHEBAO_HTTP_MAX_REQUEST_LINE_BYTES", meaning: "request line (414 beyond)") {
            $0.limits.maxRequestLineLength = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_FIELD_LINE_BYTES", meaning: "one header field line (431 beyond)") {
            $0.limits.maxFieldLineLength = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_HEADER_BYTES", meaning: "header section (431 beyond)") {
            $0.limits.maxHeaderSectionLength = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_FIELDS", meaning: "header fields (431 beyond)") {
            $0.limits.maxFieldCount = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_BODY_BYTES", meaning: "request body unless a route allows more (413)") {
            $0.limits.maxBodyLength = $1
        },
        Setting(variable: "SHEBAO_HTTP_HEADER_TIMEOUT_SECONDS", meaning: "first byte to end of head") {
            $0.headerReadTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_BODY_IDLE_TIMEOUT_SECONDS", meaning: "longest pause inside a body") {
            $0.bodyIdleTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_BODY_TIMEOUT_SECONDS", meaning: "end of head to end of body") {
            $0.bodyTotalTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_WRITE_IDLE_TIMEOUT_SECONDS", meaning: "a response write without progress") {
            $0.writeIdleTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_KEEPALIVE_TIMEOUT_SECONDS", meaning: "idle between requests") {
            $0.keepAliveIdleTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_TLS_HANDSHAKE_TIMEOUT_SECONDS", meaning: "accept to end of TLS handshake") {
            $0.tlsHandshakeTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_DRAIN_TIMEOUT_SECONDS", meaning: "graceful stop waits this long") {
            $0.drainTimeout = .seconds($1)
        },
        Setting(variable: "SHEBAO_HTTP_MAX_REQUESTS_PER_CONNECTION", meaning: "then the connection closes") {
            $0.maxRequestsPerConnection = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_PIPELINED_BYTES", meaning: "buffered pipelined requests") {
            $0.maxPipelinedBytes = $1
        },
        Setting(variable: "SHEBAO_HTTP_MAX_CONNECTIONS", meaning: "per worker; then accepting pauses") {
            $0.maxConnections = $1
        },
        Setting(variable: "SHEBAO_HANDLER_THREADS", meaning: "threads that may block on the database") {
            $0.handlerThreads = $1
        },
        Setting(variable: "SHEBAO_HANDLER_QUEUE", meaning: "requests waiting for a thread (503 beyond)") {
            $0.handlerQueueCapacity = $1
        },
    ]

    /// The configuration the environment describes.
    ///
    /// - Throws: ``ValidationError`` naming the first variable whose value is not a positive
    ///   whole number, or a TLS certificate without its key.
    static func fromEnvironment() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        try Self.apply(Self.settings, to: &configuration)
        if Environment.value("SHEBAO_ACCESS_LOG") == "0" {
            configuration.isAccessLogEnabled = false
        }
        if let certificate = Environment.value("SHEBAO_TLS_CERTIFICATE") {
            guard let key = Environment.value("SHEBAO_TLS_KEY") else {
                throw ValidationError("SHEBAO_TLS_CERTIFICATE is set but SHEBAO_TLS_KEY is not")
            }
            configuration.tls = TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        }
        return configuration
    }

    /// The scheme of the server's own URL, for what prints it: `https` when
    /// `SHEBAO_TLS_CERTIFICATE` is set (the workers then serve TLS, or refuse to start without
    /// its key), `http` otherwise.
    static var urlScheme: String {
        Environment.value("SHEBAO_TLS_CERTIFICATE") == nil ? "http" : "https"
    }

    /// The log-in rules: each figure has a variable; unset keeps the default.
    static let authenticationSettings: [Setting<AuthenticationSettings>] = [
        Setting(variable: "SHEBAO_AUTH_MAX_FAILURES", meaning: "consecutive failed log-ins that lock an account") {
            $0.maxFailures = $1
        },
        Setting(variable: "SHEBAO_AUTH_LOCK_MINUTES", meaning: "how long a lock lasts") {
            $0.lockDuration = .seconds($1 * 60)
        },
        Setting(
            variable: "SHEBAO_AUTH_ADDRESS_FAILURES",
            meaning: "failed log-ins from one address per window (429 beyond)"
        ) {
            $0.addressFailureLimit = $1
        },
        Setting(variable: "SHEBAO_AUTH_ADDRESS_WINDOW_MINUTES", meaning: "the window of the address limit") {
            $0.addressFailureWindow = .seconds($1 * 60)
        },
        Setting(variable: "SHEBAO_SESSION_IDLE_MINUTES", meaning: "a session ends after this long without a request") {
            $0.sessionIdle = .seconds($1 * 60)
        },
        Setting(variable: "SHEBAO_SESSION_HOURS", meaning: "a session ends this long after its log-in") {
            $0.sessionLifetime = .seconds($1 * 3600)
        },
        Setting(variable: "SHEBAO_HASHING_CONCURRENCY", meaning: "password hashes computed at once (128 MiB each)") {
            $0.hashingConcurrency = $1
        },
        Setting(variable: "SHEBAO_PASSWORD_MIN_LENGTH", meaning: "fewest characters of an operator's password") {
            $0.passwordPolicy.minimumLength = $1
        },
        Setting(variable: "SHEBAO_PASSWORD_MIN_CLASSES", meaning: "fewest character classes of a password (of 4)") {
            $0.passwordPolicy.minimumClasses = min($1, 4)
        },
        Setting(variable: "SHEBAO_PASSWORD_MAX_AGE_DAYS", meaning: "days before a password must be changed") {
            $0.passwordPolicy.maximumAgeDays = $1
        },
        Setting(variable: "SHEBAO_PASSWORD_HISTORY", meaning: "previous passwords that may not be used again") {
            $0.passwordPolicy.historyCount = $1
        },
    ]

    /// The log-in rules the environment describes; `SHEBAO_SECOND_FACTOR_ROLES` (comma-separated)
    /// names the roles that must log in with a TOTP code.
    ///
    /// - Throws: ``ValidationError`` naming the first variable whose value is not a positive
    ///   whole number, or an unknown role.
    static func authentication() throws -> AuthenticationSettings {
        var settings = AuthenticationSettings()
        // Below a million: minutes and hours are multiplied into seconds.
        try Self.apply(Self.authenticationSettings, to: &settings, below: 1_000_000)
        if let text = Environment.value("SHEBAO_SECOND_FACTOR_ROLES") {
            let roles = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            guard roles.isSubset(of: operatorRoles) else {
                throw ValidationError(
                    "SHEBAO_SECOND_FACTOR_ROLES names unknown roles: \(roles.subtracting(operatorRoles).sorted().joined(separator: ", "))"
                )
            }
            settings.secondFactorRoles = roles
        }
        return settings
    }

    /// The database settings of `DATABASE_URL`, if it is set.
    static func databaseConfiguration() throws -> PostgresConfiguration? {
        try Environment.value("DATABASE_URL").map { try Environment.configuration(url: $0, variable: "DATABASE_URL") }
    }

    /// The event loop's pipelined connections, unless `SHEBAO_DB_PIPELINE_CONNECTIONS` is 0
    /// (default 2).
    static func databasePipeline(_ configuration: PostgresConfiguration) -> PostgresPipeline? {
        var options = PostgresPipeline.Options()
        if let count = Environment.value("SHEBAO_DB_PIPELINE_CONNECTIONS").flatMap(Int.init) {
            guard count > 0 else { return nil }
            options.connections = count
        }
        return PostgresPipeline(configuration: configuration, options: options)
    }

    /// The blocking pool for handler threads.
    static func databaseClient(_ configuration: PostgresConfiguration) -> PostgresClient {
        let size = Environment.value("SHEBAO_DB_POOL_SIZE").flatMap(Int.init) ?? 16
        return PostgresClient(
            configuration: configuration,
            pool: .init(maximumConnections: size, acquireTimeout: .seconds(5))
        )
    }
}
