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
    }
}
