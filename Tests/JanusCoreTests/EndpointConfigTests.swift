@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// `provider.endpoints` in janus.yaml: what is read, and the error for each kind of bad entry
/// (file, line, the entry and key, what was expected).
@Suite struct EndpointConfigTests {
    func message(_ yaml: String) -> String? {
        do {
            _ = try ConfigLoader.parse(yaml, file: "cfg/janus.yaml")
            return nil
        } catch let error as ConfigError {
            return "\(error.file): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    @Test func endpointsAreReadWithTheProviderDefaults() throws {
        let config = try ConfigLoader.parse(
            """
            provider:
              concurrency: 32
              rpm: 600
              api_key_env: MAIN_KEY
              endpoints:
                - base_url: http://10.0.0.5:8000/v1
                  concurrency: 128
                  weight: 2
                - {base_url: "http://10.0.0.6:8000", tpm: 90000, rpm: null, api_key_env: NODE6_KEY}
            """, file: "janus.yaml")
        let endpoints = config.client.resolvedEndpoints
        #expect(endpoints.map(\.baseURL) == ["http://10.0.0.5:8000/v1", "http://10.0.0.6:8000"])
        #expect(endpoints.map(\.concurrency) == [128, 32])
        #expect(endpoints.map(\.weight) == [2, 1])
        #expect(endpoints.map(\.requestsPerMinute) == [600, 600], "null means the provider's")
        #expect(endpoints.map(\.tokensPerMinute) == [nil, 90000])
        #expect(endpoints.map(\.apiKeyEnv) == ["MAIN_KEY", "NODE6_KEY"])
        #expect(config.client.totalConcurrency == 160)
    }

    @Test func withoutEndpointsBaseURLIsTheOne() throws {
        let config = try ConfigLoader.parse("provider:\n  base_url: http://h:1/v1\n  concurrency: 7\n", file: "janus.yaml")
        #expect(config.client.resolvedEndpoints == [
            EndpointSettings(baseURL: "http://h:1/v1", concurrency: 7, apiKeyEnv: "OPENAI_API_KEY")
        ])
        #expect(config.client.totalConcurrency == 7)
    }

    @Test func badEntriesNameFileLineEntryAndKey() {
        let head = "provider:\n  endpoints:\n"
        #expect(
            message("provider:\n  endpoints: http://h:1\n")
                == "cfg/janus.yaml: line 2: `provider.endpoints` must be a list of endpoints, each a mapping with base_url (and optionally weight, concurrency, rpm, tpm, api_key_env)")
        #expect(
            message(head + "    - http://h:1\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0]` must be a mapping with base_url (and optionally weight, concurrency, rpm, tpm, api_key_env), not \"http://h:1\"")
        #expect(
            message(head + "    - base_url: http://h:1\n    - weight: 2\n")
                == "cfg/janus.yaml: line 4: `provider.endpoints[1]` has no base_url (each endpoint needs one, e.g. base_url: http://10.0.0.5:8000/v1)")
        #expect(
            message(head + "    - base_url: ftp://h:1\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].base_url` must start with http:// or https://, not ftp://")
        #expect(
            message(head + "    - base_url: not a url\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].base_url` is not a URL with a host (expected e.g. http://10.0.0.5:8000/v1)")
        #expect(
            message(head + "    - {base_url: http://h:1, weight: 0}\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].weight` must be a number greater than 0")
        #expect(
            message(head + "    - {base_url: http://h:1, concurrency: many}\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].concurrency` must be a whole number")
        #expect(
            message(head + "    - {base_url: http://h:1, concurrency: 0}\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].concurrency` must be a whole number of at least 1")
        #expect(
            message(head + "    - {base_url: http://h:1, rpm: -5}\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].rpm` must be a whole number of at least 1 (or null for no limit)")
        #expect(
            message(head + "    - {base_url: http://h:1, wieght: 2}\n")
                == "cfg/janus.yaml: line 3: `provider.endpoints[0].wieght` is not a known key (known here: base_url, weight, concurrency, rpm, tpm, api_key_env)")
        #expect(
            message(head + "    - base_url: http://h:1/v1\n    - base_url: http://h:1/v1/\n")
                == "cfg/janus.yaml: line 4: `provider.endpoints[1]` repeats the base_url of provider.endpoints[0] (http://h:1/v1); give each server once")
        #expect(
            message("provider:\n  endpoints: []\n")
                == "cfg/janus.yaml: line 2: `provider.endpoints` is empty: list at least one endpoint, or leave the key out to use base_url")
    }

    @Test func labelsDropCredentialsAndQuery() {
        #expect(EndpointSettings.label("http://user:secret@10.0.0.5:8000/v1/?x=1") == "http://10.0.0.5:8000/v1")
        #expect(EndpointSettings.label("https://api.example.com") == "https://api.example.com/v1")
        #expect(EndpointSettings.label("http://10.0.0.5:8000/v1") == EndpointSettings.label("http://10.0.0.5:8000/"))
    }
}
