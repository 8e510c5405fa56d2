import Crypto
import Delivery
import Foundation
import Gateway
import Testing

@Suite("FHIR destination configuration")
struct FHIRDestinationConfigurationTests {
    @Test("the shipped sample mdm-to-fhir.yaml loads: a transaction Bundle to ${EHR_FHIR_BASE}, no auth")
    func sample() throws {
        let file = URLPaths.repositoryRoot.appendingPathComponent("samples/config/mdm-to-fhir.yaml")
        let configuration = try GatewayConfiguration.load(
            file: file, environment: ["EHR_FHIR_BASE": "http://127.0.0.1:8081/fhir"])
        let fhir = try #require(configuration.destinations.first?.fhir)
        #expect(fhir.baseURL == "http://127.0.0.1:8081/fhir")
        #expect(fhir.mode == .transaction)
        #expect(fhir.authorization == .none)
        #expect(fhir.resources == ["Composition", "DocumentReference", "Condition", "Provenance"])
    }

    @Test("a SMART backend destination: key read and checked, token URL discovered, scopes joined")
    func smartBackend() throws {
        let directory = try URLPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("es384.pem")
        try P384.Signing.PrivateKey().pemRepresentation.write(to: key, atomically: true, encoding: .utf8)
        let smart = """
            destinations:
              ehr:
                type: fhir
                baseUrl: https://ehr.example.org/fhir
                auth: smart-backend
                clientId: nb
                signingKey: \(key.path)
                keyId: k1

            """
        let configuration = try loadConfiguration(
            smart + """
                    mode: conditional-update
                    algorithm: ES384
                    scopes: [system/Composition.write, system/DocumentReference.write]
                    timeoutSeconds: 5
                """)
        let fhir = try #require(configuration.destinations.first?.fhir)
        #expect(fhir.mode == .conditionalUpdate)
        #expect(fhir.timeout == .seconds(5))
        #expect(
            fhir.authorization
                == .smartBackend(
                    clientID: "nb", keyFile: key.path, keyID: "k1", algorithm: .es384, tokenURL: nil,
                    scopes: "system/Composition.write system/DocumentReference.write"))
        // The same file is not an RSA key: RS384 refuses it, naming the key.
        #expect { try loadConfiguration(smart) } throws: { error in
            (error as? ConfigurationError)?.key == "destinations.ehr.signingKey"
        }
    }

    @Test("a client secret named by an environment variable is never in the description")
    func secretRedacted() throws {
        let configuration = try loadConfiguration(
            """
            destinations:
              ehr:
                type: fhir
                baseUrl: https://ehr.example.org/fhir
                auth: client-secret
                clientId: nb
                clientSecret: ${SECRET}
                tokenUrl: https://ehr.example.org/token
            """, environment: ["SECRET": "s3cr3t-value-0123456789"])
        let fhir = try #require(configuration.destinations.first?.fhir)
        #expect(!"\(fhir)".contains("s3cr3t"))
        #expect(!String(reflecting: fhir).contains("s3cr3t"))
    }

    @Test(
        "mistakes name their key",
        arguments: [
            ("    type: fhir\n", "destinations.ehr.baseUrl"),
            ("    type: fhir\n    baseUrl: https://e/fhir?x=1\n", "destinations.ehr.baseUrl"),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    mode: batch\n", "destinations.ehr.mode"),
            (
                "    type: fhir\n    baseUrl: https://e/fhir\n    resources: [Observation]\n",
                "destinations.ehr.resources"
            ),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    auth: magic\n", "destinations.ehr.auth"),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    auth: bearer\n", "destinations.ehr.token"),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    clientSecret: x\n", "destinations.ehr.clientSecret"),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    port: 1\n", "destinations.ehr.port"),
            (
                "    type: fhir\n    baseUrl: https://e/fhir\n    tlsTrustRoots: /nonexistent/ca.pem\n",
                "destinations.ehr.tlsTrustRoots"
            ),
            (
                "    type: fhir\n    baseUrl: https://e/fhir\n    tlsCertificate: /etc/hostname\n",
                "destinations.ehr.tlsPrivateKey"
            ),
            ("    type: fhir\n    baseUrl: https://e/fhir\n    timeoutSeconds: 0\n", "destinations.ehr.timeoutSeconds"),
            (
                "    type: fhir\n    baseUrl: https://e/fhir\n    patientIdentifierSystem: MRN\n",
                "destinations.ehr.patientIdentifierSystem"
            ),
            ("    host: h\n    port: 1\n    mode: transaction\n", "destinations.ehr.mode"),
        ])
    func mistakes(body: String, key: String) throws {
        #expect { try loadConfiguration("destinations:\n  ehr:\n" + body) } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
