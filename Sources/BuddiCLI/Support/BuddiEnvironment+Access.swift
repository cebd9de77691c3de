import BuddiHTTP
import BuddiRuntime

extension BuddiEnvironment {
    /// The HTTP API's tokens: BUDDI_ADMIN_TOKEN, BUDDI_READ_TOKEN and their _FILE forms.
    func access() throws -> APIAccess {
        try APIAccess.fromEnvironment(variables)
    }
}
