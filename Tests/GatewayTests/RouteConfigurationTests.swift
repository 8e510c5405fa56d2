import Delivery
import Foundation
import Gateway
import HL7v2
import Mapping
import Testing

@Suite("HL7 v2 routes")
struct RouteConfigurationTests {
    private func load(_ yaml: String) throws -> GatewayConfiguration {
        let directory = try URLPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("notebridge.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try GatewayConfiguration.load(file: file, environment: [:])
    }

    static func header(_ sender: String, _ facility: String, _ type: String) throws -> HL7ReceivedHeader {
        HL7ReceivedHeader(
            message: try HL7Message(parsing: "MSH|^~\\&|\(sender)^1.2.3^ISO|\(facility)|NB|NB|1||\(type)|C|P|2.5.1\rPID|1\r"))
    }

    static let yaml = """
        destinations:
          ehr: {host: 127.0.0.1, port: 9}
          archive: {host: 127.0.0.1, port: 10}
          acks: {host: 127.0.0.1, port: 11}
        routes:
          any-mdm:
            messageTypes: [MDM^T02]
          north-dictation:
            sendingApplication: DICTATE
            sendingFacility: NORTH
            messageTypes: [MDM^T02]
            destinations: [archive]
            acknowledgmentDestination: acks
          everything-else:
            destinations: [ehr]
        """

    @Test("the most specific matching route wins; defaults fill what a route leaves out")
    func selection() throws {
        let configuration = try load(Self.yaml)
        let routes = configuration.routes
        #expect(routes.map(\.name) == ["any-mdm", "everything-else", "north-dictation"])
        let types = configuration.pipelineMessageTypes
        func route(_ sender: String, _ facility: String, _ type: String) throws -> String? {
            RouteConfiguration.route(for: try Self.header(sender, facility, type), listener: "mllp", in: routes, defaultTypes: types)?.name
        }
        #expect(try route("DICTATE", "NORTH", "MDM^T02") == "north-dictation")
        #expect(try route("DICTATE", "SOUTH", "MDM^T02") == "any-mdm")
        #expect(try route("DICTATE", "NORTH", "ORU^R01") == "everything-else")
        #expect(try route("DICTATE", "NORTH", "ADT^A04") == nil)
        // The acknowledgment destination gets no notes: the default destinations leave it out.
        #expect(routes.first { $0.name == "any-mdm" }?.destinations == ["archive", "ehr"])
        #expect(routes.first { $0.name == "north-dictation" }?.acknowledgmentDestination == "acks")
        #expect(configuration.destinations.first { $0.name == "acks" }?.mllp.messages == [.applicationAcknowledgment])
        #expect(configuration.pipelineRoutes.map(\.name) == routes.map(\.name))
    }

    @Test("without routes, one implicit route takes pipeline.messageTypes to every note destination")
    func implicitRoute() throws {
        let configuration = try load("destinations:\n  ehr: {host: 127.0.0.1, port: 9}\n")
        #expect(configuration.routes.isEmpty)
        let implicit = try #require(configuration.pipelineRoutes.first)
        #expect(implicit.destinations == ["ehr"])
        #expect(implicit.messageTypes.map(\.description) == ["MDM^T02", "ORU^R01"])
    }

    @Test("a route may not be named none: that is the route label of messages no route takes")
    func noneIsNotARouteName() throws {
        let yaml = "destinations:\n  ehr: {host: 127.0.0.1, port: 9}\nroutes:\n  none:\n    destinations: [ehr]\n"
        let error = #expect(throws: ConfigurationError.self) { try load(yaml) }
        #expect(error?.key == "routes.none.destinations")
        #expect(error?.reason.contains("may not be named none") == true)
    }
}
