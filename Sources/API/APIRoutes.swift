public import Business
import HTTPServer

/// The routes of the API that need the database, registered in one place so that the worker
/// and the API description's test see the same table.
public enum APIRoutes {
    /// Adds log-in, audit, administration and business routes; ``APIRouter/finish()`` adds the
    /// description of them all.
    ///
    /// - Parameters:
    ///   - publicURL: where the public reaches the server (`https://shebao.example.gov.cn`), for
    ///     the verification address printed on vouchers; empty prints a path.
    public static func register(on api: inout APIRouter, authenticator: Authenticator, publicURL: String = "") {
        AuthRoutes.register(on: &api, authenticator: authenticator)
        AuditRoutes.register(on: &api, authenticator: authenticator)
        let business = BusinessService(authenticator: authenticator)
        AdminRoutes.register(on: &api, service: business)
        ApplicationRoutes.register(on: &api, service: business)
        VoucherRoutes.register(on: &api, service: business, publicURL: publicURL)
        RegistryRoutes.register(on: &api, service: business)
        BenefitRoutes.register(on: &api, service: business)
        InboxRoutes.register(on: &api, service: business)
        NotificationAdminRoutes.register(on: &api, service: business)
        DisbursementRoutes.register(on: &api, service: business)
    }
}
