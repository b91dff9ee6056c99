public import HTTPServer

/// The routes of the API that need the database, registered in one place so that the worker
/// and the API description's test see the same table.
public enum APIRoutes {
    /// Adds log-in, audit, administration and business routes, and `GET /api/v1/openapi.json`
    /// (which describes them all).
    ///
    /// - Parameters:
    ///   - publicURL: where the public reaches the server (`https://shebao.example.gov.cn`), for
    ///     the verification address printed on vouchers; empty prints a path.
    public static func register(on router: inout Router, authenticator: Authenticator, publicURL: String = "") {
        AuthRoutes.register(on: &router, authenticator: authenticator)
        AuditRoutes.register(on: &router, authenticator: authenticator)
        let business = BusinessService(authenticator: authenticator)
        AdminRoutes.register(on: &router, service: business)
        ApplicationRoutes.register(on: &router, service: business)
        VoucherRoutes.register(on: &router, service: business, publicURL: publicURL)
        RegistryRoutes.register(on: &router, service: business)
        OpenAPIRoutes.register(on: &router)
    }
}
