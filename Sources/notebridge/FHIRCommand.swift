import ArgumentParser
import FHIR

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
            abstract: "Validate a resource (JSON or XML) against the FHIR R4 base specification.",
            discussion: "Prints an OperationOutcome; exit status 1 when it has errors, 2 when the file cannot be read.")

        @Argument(help: "The resource file; standard input when absent or -.")
        var file = "-"

        func run() async throws {
            try await reportingFailures {
                let bytes = try Terminal.read(file, limit: 16 << 20)
                let issues: [FHIRIssue]
                switch FHIRCommand.read(bytes) {
                case .success(let resource):
                    issues = FHIRValidator().validate(resource)
                case .failure(let error):
                    issues = [
                        FHIRIssue(
                            .error, code: error.code == .tooLarge || error.code == .tooDeep ? "too-costly" : "structure",
                            expression: error.path ?? "Resource", message: error.description)
                    ]
                }
                Terminal.write(JSONWriter.write(FHIRValidator.operationOutcome(issues), pretty: true))
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
