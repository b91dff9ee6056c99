import HTTP1
import Logging

extension EventLoop {
    /// Routes a complete request: answers 404 and 405 itself, runs an inline handler at once,
    /// gives a deferred one a responder and a pool one to the ``HandlerPool`` (503 when its queue
    /// is full).
    func dispatch(
        _ connection: HTTPConnection,
        _ complete: HTTPConnectionStateMachine.CompleteRequest
    ) {
        let head = complete.head
        let headers = HTTPHeaders(storage: complete.headBytes, fields: head.fields)
        let requestID = self.requestID(from: headers)
        connection.dispatched += 1
        connection.isHeadRequest = head.method == .head
        connection.isKeepAlive = head.isKeepAlive
        let requestTarget = complete.target
        var current = CurrentRequest(
            method: head.method,
            path: requestTarget.path,
            requestID: requestID,
            route: -1,
            routePattern: "-",
            started: self.roundSeconds
        )
        var request = HTTPRequest(
            method: head.method,
            version: head.version,
            target: requestTarget,
            headers: headers,
            body: complete.body,
            requestID: requestID,
            remoteAddress: connection.remoteAddress
        )
        switch self.router.match(method: head.method, segments: requestTarget.segments) {
        case .notFound:
            connection.current = current
            self.respond(
                connection,
                ServerProblem.notFound.response(language: headers.responseLanguage, requestID: requestID),
                keepAlive: head.isKeepAlive
            )
        case .methodNotAllowed(let allowed):
            connection.current = current
            let response = ServerProblem.methodNotAllowed.response(
                language: headers.responseLanguage,
                requestID: requestID,
                headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))]
            )
            self.respond(connection, response, keepAlive: head.isKeepAlive)
        case .found(let route, let parameters):
            request.parameters = parameters
            current.route = route.index
            current.routePattern = route.patternText
            connection.current = current
            switch route.action {
            case .handler(let handler, .inline):
                let response = self.run(handler, route, request)
                self.respond(connection, response, keepAlive: head.isKeepAlive)
            case .deferred(let handler):
                handler(
                    request,
                    HTTPResponder(
                        loop: self,
                        descriptor: connection.descriptor,
                        connectionID: connection.id,
                        request: connection.dispatched,
                        route: route.patternText,
                        requestID: requestID,
                        headers: headers
                    )
                )
            case .handler(let handler, .pool):
                // A pipelined /metrics must count the requests answered before it.
                self.metrics.merge(&self.tally)
                let descriptor = connection.descriptor
                let id = connection.id
                let sequence = connection.dispatched
                let prepared = request
                let submitted = self.handlers.submit { [self] in
                    let response = self.run(handler, route, prepared)
                    self.complete(
                        Completion(descriptor: descriptor, connectionID: id, request: sequence, response: response)
                    )
                }
                if !submitted {
                    self.metrics.recordBusy()
                    let response = ServerProblem.handlerQueueFull.response(
                        language: headers.responseLanguage,
                        requestID: requestID,
                        headers: [("Retry-After", "1")]
                    )
                    self.respond(connection, response, keepAlive: head.isKeepAlive)
                }
            }
        }
    }

    /// Runs a route's handler, turning errors into responses.
    private func run(_ handler: @escaping HTTPHandler, _ route: Router.Route, _ request: HTTPRequest) -> HTTPResponse {
        do {
            return try self.router.run(handler, request)
        } catch {
            return self.errorResponse(
                error,
                requestID: request.requestID,
                route: route.patternText,
                headers: request.headers
            )
        }
    }

    /// The response for a handler's error: its own for an ``HTTPResponseError``; otherwise a
    /// 500 without internals in the language `headers` ask for, the details logged with the
    /// request ID. Any thread.
    func errorResponse(_ error: any Error, requestID: String, route: String, headers: HTTPHeaders) -> HTTPResponse {
        if let error = error as? any HTTPResponseError {
            return error.response(requestID: requestID)
        }
        self.logger.error(
            "handler failed",
            metadata: ["request_id": "\(requestID)", "route": "\(route)", "error": "\(error)"]
        )
        return ServerProblem.internalError.response(language: headers.responseLanguage, requestID: requestID)
    }

    /// Sends the responses waiting: from handler threads, then from the loop itself. Each list
    /// is swapped out whole, neither copied nor concatenated.
    func drainCompletions() {
        var remote: [Completion] = []
        self.completions.withLock { state in swap(&remote, &state.pending) }
        for completion in remote {
            self.deliverNow(completion)
        }
        var local: [Completion] = []
        swap(&local, &self.localCompletions)
        for completion in local {
            self.deliverNow(completion)
        }
    }

    private func deliverNow(_ completion: Completion) {
        // The connection must still be the same one, waiting for this very request: a
        // deferred handler that answers twice must not answer the next request.
        guard let connection = self.connections[completion.descriptor], connection.id == completion.connectionID,
            connection.dispatched == completion.request, case .awaitingResponse = connection.machine.state
        else {
            return
        }
        self.respond(connection, completion.response, keepAlive: true)
        if self.connections[connection.descriptor] === connection && !connection.hasPendingOutput {
            self.drive(connection)
        }
    }

    /// Serializes `response` and starts writing it.
    private func respond(_ connection: HTTPConnection, _ response: HTTPResponse, keepAlive requested: Bool) {
        let now = self.roundNow
        // While draining, every response closes its connection.
        let keepAlive = requested && connection.isKeepAlive && self.drainDeadline == nil
        let closeAfter = connection.machine.responseStarted(keepAlive: keepAlive, now: now)
        var head = connection.tls == nil && connection.output.isEmpty ? connection.takeSpareBuffer() : []
        HTTPResponseWriter.writeHead(
            status: response.status,
            headers: response.headers,
            contentLength: response.body.count,
            serverFields: self.serverFields,
            extraField: (connection.current?.requestID).map { ("X-Request-ID", $0) },
            date: self.currentDate(),
            close: closeAfter,
            into: &head
        )
        self.enqueue(connection, head, body: connection.isHeadRequest ? [] : response.body)
        self.logRequest(connection, status: response.status, bytes: response.body.count)
        guard self.flush(connection) else { return }
        if case .close = connection.machine.writeCompleted(now: now) {
            self.closeConnection(connection)
            return
        }
        connection.machine.compact()
    }

    /// Writes the answer to a refused request, in `language`, with `Connection: close` and
    /// closes after it.
    func writeErrorAndClose(_ connection: HTTPConnection, _ error: HTTPParseError, language: ResponseLanguage) {
        connection.machine.closed()
        connection.closeAfterWrite = true
        connection.lingerAfterWrite = true
        let requestID = self.nextRequestID()
        let status = error.status
        let response = ServerProblem(error).response(language: language, requestID: requestID)
        var head: [UInt8] = []
        HTTPResponseWriter.writeHead(
            status: status,
            headers: response.headers,
            contentLength: response.body.count,
            serverFields: self.serverFields,
            extraField: ("X-Request-ID", requestID),
            date: self.currentDate(),
            close: true,
            into: &head
        )
        self.enqueue(connection, head, body: response.body)
        if self.configuration.isAccessLogEnabled {
            self.logger.info(
                "refused request",
                metadata: [
                    "request_id": "\(requestID)", "status": "\(status)", "reason": "\(error.reason)",
                    "remote": "\(connection.remoteAddress)",
                ]
            )
        }
        self.tally.record(route: -1, status: status, seconds: 0)
        guard self.flush(connection) else { return }
        self.closeLingering(connection)
    }

    private func logRequest(_ connection: HTTPConnection, status: Int, bytes: Int) {
        guard let current = connection.current else { return }
        let seconds = max(0, self.roundSeconds - current.started)
        self.tally.record(route: current.route, status: status, seconds: seconds)
        if self.configuration.isAccessLogEnabled {
            self.logger.info(
                "\(current.method.rawValue) \(current.path) \(status)",
                metadata: [
                    "request_id": "\(current.requestID)", "status": "\(status)",
                    "duration_ms": "\(Int((seconds * 1000).rounded()))", "bytes": "\(bytes)",
                    "remote": "\(connection.remoteAddress)", "route": "\(current.routePattern)",
                ]
            )
        }
        connection.current = nil
    }
}
