import BuddiAPI
import BuddiHTTP
import BuddiRuntime

extension BuddiEnvironment {
    /// The HTTP API's tokens: BUDDI_ADMIN_TOKEN, BUDDI_READ_TOKEN and their _FILE forms.
    func access() throws -> APIAccess {
        try APIAccess.fromEnvironment(variables)
    }

    /// The webhook endpoint's settings: BUDDI_WEBHOOK_SECRETS (or its _FILE form) and the memory
    /// limits (BUDDI_MAX_MEMORY_BYTES…); nil when no secret is set, which leaves the endpoint out.
    func webhooks() throws -> APIServer.WebhookSettings? {
        let secrets: [WebhookSecret]
        do {
            secrets = try WebhookSecret.fromEnvironment(variables)
        } catch {
            throw CLIError(description: error.description)
        }
        guard !secrets.isEmpty else { return nil }
        return APIServer.WebhookSettings(secrets: secrets, limits: try BuddiAPIConfiguration.fromEnvironment(variables).memoryLimits)
    }

    /// Where the console links trace ids: BUDDI_TRACE_URL_TEMPLATE; nil when unset.
    func traceURLs() throws -> TraceURLTemplate? {
        guard let template = variables["BUDDI_TRACE_URL_TEMPLATE"], !template.isEmpty else { return nil }
        do {
            return try TraceURLTemplate(template)
        } catch {
            throw CLIError(description: error.description)
        }
    }
}
