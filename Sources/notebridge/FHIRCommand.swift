import ArgumentParser
import FHIR
import Foundation

/// `notebridge fhir`: FHIR R4 tools.
struct FHIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir", abstract: "FHIR R4 tools.", subcommands: [Validate.self, Convert.self])

    /// Reads a resource as JSON or XML (by its first character), or reports why not as an OperationOutcome.
    static func read(_ bytes: [UInt8]) -> Result<JSONValue, FHIRParseError> {
        let isXML = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "<")
        return isXML
            ? Result { () throws(FHIRParseError) in try FHIRXMLReader().read(bytes) }
            : Result { () throws(FHIRParseError) in try JSONReader().read(bytes) }
    }

    /// `notebridge fhir validate`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Validate a resource (JSON or XML) against the FHIR R4 base specification and the profiles.",
            discussion: """
                Checks the base specification, then every profile the resource (or a resource in it) names in \
                meta.profile, and those given with --profile: US Core DocumentReference and the NoteBridge SOAP \
                note are built in; --profiles DIR adds the StructureDefinitions and ValueSets of a folder. Prints an \
                OperationOutcome; exit status 1 when it has errors, 2 when a file cannot be read.
                """)

        @Option(help: "A profile URL to check every resource of its type against (repeatable), declared or not.")
        var profile: [String] = []

        @Option(help: "A folder of StructureDefinition and ValueSet JSON files to use instead of the built-in profiles.")
        var profiles: String?

        @Argument(help: "The resource file; standard input when absent or -.")
        var file = "-"

        func validator() throws -> FHIRProfileValidator {
            var validator = FHIRProfileValidator.bundled
            if let profiles {
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: profiles).filter { $0.hasSuffix(".json") }.sorted()
                } catch {
                    throw CommandFailure(message: "\(profiles): cannot list the folder", exitCode: 2)
                }
                var resources: [JSONValue] = []
                for name in names {
                    let path = profiles + "/" + name
                    let bytes = try Terminal.read(path, limit: 16 << 20)
                    guard case .success(let resource) = FHIRCommand.read(bytes) else {
                        throw CommandFailure(message: "\(path): not FHIR JSON", exitCode: 2)
                    }
                    if ["StructureDefinition", "ValueSet"].contains(resource["resourceType"]?.string ?? "") {
                        resources.append(resource)
                    }
                }
                do {
                    validator = try FHIRProfileValidator(resources: resources)
                } catch {
                    throw CommandFailure(message: "\(profiles): \(error)", exitCode: 2)
                }
            }
            for url in profile {
                guard validator.profiles[url] != nil else {
                    throw CommandFailure(
                        message: "--profile \(url) is not known; known: \(validator.profiles.keys.sorted().joined(separator: ", "))",
                        exitCode: 2)
                }
                validator.enforced.insert(url)
            }
            return validator
        }

        func run() async throws {
            try await reportingFailures {
                let validator = try validator()
                let bytes = try Terminal.read(file, limit: 16 << 20)
                let issues: [FHIRIssue]
                var outcome: JSONValue?
                switch FHIRCommand.read(bytes) {
                case .success(let resource):
                    issues = validator.validate(resource)
                    outcome = validator.operationOutcome(issues, for: resource)
                case .failure(let error):
                    issues = [
                        FHIRIssue(
                            .error, code: [.tooLarge, .tooDeep, .tooManyAttributes].contains(error.code) ? "too-costly" : "structure",
                            expression: error.path ?? "Resource", message: error.description)
                    ]
                }
                Terminal.write(JSONWriter.write(outcome ?? FHIRValidator.operationOutcome(issues), pretty: true))
                if issues.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
            }
        }
    }

    /// `notebridge fhir convert`.
    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "convert", abstract: "Convert a resource between FHIR JSON and FHIR XML.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case json, xml
        }

        @Option(help: "The output format: json or xml.")
        var to: Format

        @Argument(help: "The resource file; standard input when absent or -.")
        var file = "-"

        func run() async throws {
            try await reportingFailures {
                let bytes = try Terminal.read(file, limit: 16 << 20)
                let resource: JSONValue
                switch FHIRCommand.read(bytes) {
                case .success(let value): resource = value
                case .failure(let error): throw CommandFailure(message: "\(file): \(error)", exitCode: 1)
                }
                switch to {
                case .json:
                    Terminal.write(JSONWriter.write(resource, pretty: true))
                case .xml:
                    do {
                        Terminal.write(try FHIRXMLWriter().write(resource))
                    } catch {
                        throw CommandFailure(message: "\(file): \(error)", exitCode: 1)
                    }
                }
            }
        }
    }
}
