import BuddiAPI
import Foundation
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("defaults to the real service and reads the key")
    func defaults() throws {
        let configuration = try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_KEY": "k"])
        #expect(configuration.baseURL == BuddiAPIConfiguration.defaultBaseURL)
        #expect(configuration.apiKey?.secret == "k")
        #expect(try BuddiAPIConfiguration.fromEnvironment([:]).apiKey == nil)
    }

    @Test("BUDDI_API_BASE_URL points elsewhere; a URL without a host is refused")
    func baseURL() throws {
        let configuration = try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_BASE_URL": "http://127.0.0.1:8090/v1/dev"])
        #expect(configuration.baseURL.port == 8090)
        #expect(throws: BuddiAPIError.self) { try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_BASE_URL": "ftp:/x"]) }
        #expect(throws: BuddiAPIError.self) { try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_BASE_URL": "http:///v1"]) }
    }

    @Test("the client-side rate limit from the environment; a bad value names the variable")
    func rateLimit() throws {
        let configuration = try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_REQUESTS_PER_SECOND": "50"])
        #expect(configuration.requestsPerSecond == 50)
        #expect(configuration.burst == 50, "the burst holds at least one second's worth")
        let both = try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_REQUESTS_PER_SECOND": "50", "BUDDI_API_BURST": "3"])
        #expect(both.burst == 3)
        for (name, value, message) in [
            ("BUDDI_API_REQUESTS_PER_SECOND", "fast", "BUDDI_API_REQUESTS_PER_SECOND must be a positive number, got 'fast'"),
            ("BUDDI_API_REQUESTS_PER_SECOND", "0", "BUDDI_API_REQUESTS_PER_SECOND must be a positive number, got '0'"),
            ("BUDDI_API_BURST", "abc", "BUDDI_API_BURST must be a positive whole number, got 'abc'"),
        ] {
            #expect(throws: BuddiAPIError.invalidConfiguration(message)) { try BuddiAPIConfiguration.fromEnvironment([name: value]) }
        }
    }
}
