import Foundation
import Outbound

/// The Shebao API as the command line calls it: requests to the server at `baseURL` with the
/// session's bearer token and the language of the messages, POSTs through Outbound's
/// ``HTTPClient`` and GETs through ``HTTPGet``. An answer of 400 or more is an ``APIFailure``
/// carrying the server's message.
struct APIClient {
    var baseURL: String
    var token: String?
    /// `Accept-Language`: `zh-CN` or `en`.
    var language: String

    /// A bank file of a million lines in either direction, and the time to send it.
    private var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.allowsPlainHTTP = true
        configuration.totalTimeout = .seconds(600)
        configuration.maximumResponseBodyBytes = 256 * 1024 * 1024
        configuration.userAgent = "shebao-disburse/1"
        return configuration
    }

    private var headers: [(name: String, value: String)] {
        var headers = [(name: "Accept-Language", value: self.language)]
        if let token = self.token {
            headers.append((name: "Authorization", value: "Bearer \(token)"))
        }
        return headers
    }

    private func url(_ path: String) -> String {
        (self.baseURL.hasSuffix("/") ? String(self.baseURL.dropLast()) : self.baseURL) + path
    }

    /// GETs `path` (with its query).
    ///
    /// - Throws: ``APIFailure`` for an error answer, or for no answer at all.
    func get(_ path: String) throws -> HTTPClient.Response {
        do {
            return try Self.checked(
                HTTPGet.perform(self.url(path), headers: self.headers, configuration: self.configuration)
            )
        } catch let error as HTTPClientError {
            throw APIFailure(unreachable: error, self.baseURL)
        }
    }

    /// POSTs `body` (JSON unless `contentType` says otherwise) to `path`.
    ///
    /// - Throws: ``APIFailure`` for an error answer, or for no answer at all.
    func post(
        _ path: String,
        body: [UInt8] = [],
        contentType: String = "application/json",
        headers extra: [(name: String, value: String)] = []
    ) throws -> HTTPClient.Response {
        do {
            let client = try HTTPClient(configuration: self.configuration)
            defer { client.close() }
            let request = HTTPClient.Request(
                url: self.url(path),
                headers: self.headers + extra + [(name: "Content-Type", value: contentType)],
                body: body
            )
            return try Self.checked(client.post(request))
        } catch let error as HTTPClientError {
            throw APIFailure(unreachable: error, self.baseURL)
        }
    }

    /// POSTs `object` as JSON to `path`, expecting the resource's `version` when one is given
    /// (`If-Match`).
    func post(_ path: String, json object: [String: Any], ifMatch version: Int? = nil) throws -> HTTPClient.Response {
        try self.post(
            path,
            body: Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])),
            headers: version.map { [(name: "If-Match", value: "\"\($0)\"")] } ?? []
        )
    }

    private static func checked(_ response: HTTPClient.Response) throws -> HTTPClient.Response {
        guard response.status < 400 else { throw APIFailure(response) }
        return response
    }
}

/// An answer the API refused, or none: the server's message, for standard error.
struct APIFailure: Error, CustomStringConvertible {
    var status: Int?
    var description: String

    /// The problem document of `response`: its `detail` (the server's message, in the language
    /// asked for) and each issue's field and message.
    init(_ response: HTTPClient.Response) {
        self.status = response.status
        let problem = response.object
        var text = "\(response.status)"
        if let title = problem["title"] as? String { text += " \(title)" }
        if let detail = problem["detail"] as? String { text += ": \(detail)" }
        for issue in problem["errors"] as? [[String: Any]] ?? [] {
            text += "\n  \(issue["field"] as? String ?? "?"): \(issue["message"] as? String ?? "")"
        }
        if problem.isEmpty, !response.body.isEmpty {
            text += ": " + String(decoding: response.body.prefix(500), as: UTF8.self)
        }
        self.description = text
    }

    init(unreachable error: HTTPClientError, _ baseURL: String) {
        self.status = nil
        self.description = "no answer from \(baseURL): \(error)"
    }
}

extension HTTPClient.Response {
    /// The body as a JSON object; empty when it is not one.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }
}
