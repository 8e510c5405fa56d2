import Delivery
import Foundation
import Gateway
import MLLP
import Mapping
import Testing

@Suite("Pipeline configuration: destinations and ${VARIABLES}")
struct PipelineConfigurationTests {
    @Test("no destination: the pipeline is off")
    func defaults() throws {
        let configuration = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(configuration.destinations.isEmpty)
        #expect(configuration.pipelineMessageTypes.map(\.description) == ["MDM^T02", "ORU^R01"])
    }

    @Test("an MLLP destination whose host and port name environment variables")
    func mllpDestination() throws {
        let configuration = try loadConfiguration(
            """
            destinations:
              ehr:
                type: mllp
                host: ${EHR_MLLP_HOST}
                port: ${EHR_MLLP_PORT}
                receivingApplication: EHR$${NOT_EXPANDED}
                maxAttempts: 3
                initialBackoffMilliseconds: 250
                diagnoses: segments
            pipeline:
              messageTypes: [MDM^T02]
              defaultSpecialty: physician
            """, environment: ["EHR_MLLP_HOST": "127.0.0.1", "EHR_MLLP_PORT": "6661"])
        let destination = try #require(configuration.destinations.first)
        #expect(destination.name == "ehr")
        #expect(destination.mllp.client.host == "127.0.0.1")
        #expect(destination.mllp.client.port == 6661)
        #expect(destination.mllp.renderer.receivingApplication == "EHR${NOT_EXPANDED}")
        #expect(destination.mllp.renderer.diagnoses == .segments)
        #expect(destination.worker.retry.maximumAttempts == 3)
        #expect(destination.worker.retry.initialBackoff == .milliseconds(250))
        #expect(configuration.pipelineMessageTypes.map(\.description) == ["MDM^T02"])
        #expect(configuration.encounterMapping.defaultSpecialty == "physician")
    }

    @Test(
        "mistakes name the key",
        arguments: [
            ("destinations:\n  ehr:\n    host: ${EHR_HOST}\n    port: 1\n", "destinations.ehr.host"),
            ("destinations:\n  ehr:\n    host: h\n", "destinations.ehr.port"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    colour: red\n", "destinations.ehr.colour"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    type: ftp\n", "destinations.ehr.type"),
            ("destinations:\n  e.h.r:\n    host: h\n", "destinations.e.h.r.host"),
            ("pipeline:\n  defaultSpecialty: wizard\n", "pipeline.defaultSpecialty"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    tlsCertificate: /tmp/c.pem\n", "destinations.ehr.tlsPrivateKey"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    tlsTrustRoots: /nonexistent/ca.pem\n", "destinations.ehr.tls"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    tls: maybe\n", "destinations.ehr.tls"),
            ("destinations:\n  ehr:\n    host: h\n    port: 1\n    messages: [ADT^A01]\n", "destinations.ehr.messages"),
        ])
    func mistakes(yaml: String, key: String) throws {
        #expect { try loadConfiguration(yaml) } throws: { error in (error as? ConfigurationError)?.key == key }
    }

    @Test("the shipped sample mdm-to-oru.yaml loads")
    func sample() throws {
        let file = URLPaths.repositoryRoot.appendingPathComponent("samples/config/mdm-to-oru.yaml")
        let configuration = try GatewayConfiguration.load(
            file: file, environment: ["EHR_MLLP_HOST": "127.0.0.1", "EHR_MLLP_PORT": "6661"])
        #expect(configuration.destinations.map(\.name) == ["ehr"])
        #expect(configuration.destinations.first?.mllp.client.port == 6661)
        #expect { try GatewayConfiguration.load(file: file, environment: [:]) } throws: { error in
            (error as? ConfigurationError)?.reason == "the environment variable EHR_MLLP_HOST is not set"
        }
    }
}
