import BuddiAPI
import Foundation

/// The Buddi API client's settings for this process: BUDDI_API_BASE_URL and BUDDI_API_KEY, and
/// the client-side rate limit from BUDDI_API_REQUESTS_PER_SECOND and BUDDI_API_BURST.
enum APISettings {
    static func configuration(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BuddiAPIConfiguration {
        var configuration = try BuddiAPIConfiguration.fromEnvironment(environment)
        if let text = environment["BUDDI_API_REQUESTS_PER_SECOND"], !text.isEmpty {
            guard let rate = Double(text), rate > 0 else {
                throw CLIError(description: "BUDDI_API_REQUESTS_PER_SECOND must be a positive number, got '\(text)'")
            }
            configuration.requestsPerSecond = rate
            configuration.burst = max(configuration.burst, Int(rate.rounded(.up)))
        }
        if let text = environment["BUDDI_API_BURST"], !text.isEmpty {
            guard let burst = Int(text), burst > 0 else {
                throw CLIError(description: "BUDDI_API_BURST must be a positive whole number, got '\(text)'")
            }
            configuration.burst = burst
        }
        return configuration
    }
}
