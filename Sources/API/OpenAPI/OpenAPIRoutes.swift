import HTTP1
public import HTTPServer

/// `GET /api/v1/openapi.json`: the API description (``OpenAPIDocument``), public.
public enum OpenAPIRoutes {
    /// Adds the route; the document is built here, at start-up, not on the event loop.
    public static func register(on router: inout Router) {
        let document = OpenAPIDocument.json
        router.add(.get, "/api/v1/openapi.json", execution: .inline) { _ in
            HTTPResponse(
                status: 200,
                headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=300")],
                body: document
            )
        }
    }
}
