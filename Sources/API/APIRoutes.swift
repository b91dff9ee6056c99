public import HTTPServer

/// The routes of the API that need the database, registered in one place so that the worker
/// and the API description's test see the same table.
public enum APIRoutes {
    /// Adds log-in, audit, administration and business routes, and `GET /api/v1/openapi.json`
    /// (which describes them all).
    public static func register(on router: inout Router, authenticator: Authenticator) {
        AuthRoutes.register(on: &router, authenticator: authenticator)
        AuditRoutes.register(on: &router, authenticator: authenticator)
        AdminRoutes.register(on: &router, authenticator: authenticator)
        let business = BusinessService(authenticator: authenticator)
        ApplicationRoutes.register(on: &router, service: business)
        VoucherRoutes.register(on: &router, service: business)
        RegistryRoutes.register(on: &router, service: business)
        OpenAPIRoutes.register(on: &router)
    }
}
