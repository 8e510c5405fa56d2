import ArgumentParser
import Coding
import FHIR
import Foundation
import Gateway
import Mapping
import Scribe
import Transcription

/// `notebridge note`: writes a SOAP note from a transcript.
struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Write a SOAP note from a transcript (dialogue or dictation).",
        discussion: "Exit status 1 with a clear message on bad input.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json
        case text
        /// A FHIR R4 document Bundle (JSON).
        case fhir
        /// The same Bundle as FHIR XML.
        case fhirXML = "fhir-xml"
    }

    /// Which FHIR Bundle `--format fhir` writes.
    enum BundleKind: String, ExpressibleByArgument, CaseIterable {
        /// A document: Composition first, every referenced resource inside.
        case document
        /// A transaction of conditional creates, for POSTing to a FHIR server (sending it twice creates nothing new).
        case transaction
    }

    @Option(help: "One of: \(Specialty.allCases.map(\.rawValue).joined(separator: ", ")).")
    var specialty = "generic"

    @Option(help: "One of: \(NoteTemplate.allCases.map(\.rawValue).joined(separator: ", ")).")
    var template = "standard"

    @Option(help: "text, json, fhir (a FHIR R4 document Bundle) or fhir-xml.")
    var format: Format = .text

    @Option(help: "With --format fhir or fhir-xml: document (default) or transaction, to POST to a FHIR server.")
    var bundle: BundleKind = .document

    @Option(help: "With --format fhir or fhir-xml: a FHIR mapping file (default: the built-in mappings/fhir-note.yaml).")
    var mapping: String?

    @Option(help: "The patient's age in years, if known (context).")
    var age: Int?

    @Option(help: "The patient's sex, if known: female or male (context).")
    var sex: String?

    @Option(help: "A medication the patient is known to take (context; repeat for more).")
    var medication: [String] = []

    @Option(help: "A substance the patient is known to be allergic to (context; repeat for more).")
    var allergy: [String] = []

    @Option(help: "A condition in the patient's past medical history (context; repeat for more).")
    var history: [String] = []

    @Flag(name: .customLong("billing-codes"), help: "Add suggested ICD-10-CM, CPT and HCPCS codes with their reasons and evidence.")
    var billingCodes = false

    @Option(help: "For the visit level: new or established (otherwise read from the transcript).")
    var patient: String?

    @Option(
        help:
            "An audio recording (MP3, M4A, WAV, OGG, WebM or FLAC) to transcribe instead of a transcript (on this machine unless --speech-engine remote)."
    )
    var audio: String?

    @OptionGroup var audioLimits: AudioLimitOptions

    @Argument(help: "The transcript file; standard input when absent or -.")
    var file = "-"

    /// The JSON shape of a note.
    struct Output: Encodable {
        struct Statement: Encodable {
            var section: String
            var subsection: String?
            var origin: String
            var text: String
            var evidence: [EvidenceRange]
        }

        struct Part: Encodable {
            var key: String
            var title: String
            var text: String
        }

        var specialty: String
        var template: String
        var transcriptKind: String
        var subjective: String
        var objective: String
        var assessment: String
        var plan: String
        var sections: [Part]
        var statements: [Statement]
        var entities: [Entity]
        var billingCodes: BillingCodesOutput?

        enum CodingKeys: String, CodingKey {
            case specialty, template, transcriptKind, subjective, objective, assessment, plan, sections, statements, entities
            case billingCodes = "billing_codes"
        }

        struct Entity: Encodable {
            var kind: String
            var text: String
            var name: String
            var value: String?
            var unit: String?
            var negated: Bool
            var uncertain: Bool
            var context: String?
            var attributes: [String: String]
            var evidence: [EvidenceRange]
        }
    }

    func run() async throws {
        do {
            let specialty = try Specialty(validating: specialty)
            let template = try NoteTemplate(validating: template)
            var patientSex: NoteContext.Sex?
            if let sex {
                guard let known = NoteContext.Sex(rawValue: sex) else {
                    throw NoteRequestError(
                        field: "sex", reason: "unknown sex", validValues: NoteContext.Sex.allCases.map(\.rawValue))
                }
                patientSex = known
            }
            let context = try NoteContext(
                age: age, sex: patientSex, medications: medication, allergies: allergy, history: history)
                .validated()
            let text: String
            if let audio {
                guard file == "-" else {
                    throw CommandFailure(message: "give either --audio or a transcript file, not both", exitCode: 2)
                }
                text = try await audioLimits.transcribe(audio).text
            } else {
                let bytes = try Terminal.read(file, limit: 4 << 20)
                guard let transcript = String(validating: bytes, as: UTF8.self) else {
                    throw CommandFailure(message: "transcript: is not UTF-8 text", exitCode: 1)
                }
                text = transcript
            }
            var visitPatient: VisitLevel.Patient?
            if let patient {
                guard let known = VisitLevel.Patient(rawValue: patient) else {
                    throw NoteRequestError(
                        field: "patient", reason: "unknown patient status",
                        validValues: VisitLevel.Patient.allCases.map(\.rawValue))
                }
                visitPatient = known
            }
            let note = try NoteWriter().note(transcript: text, specialty: specialty, template: template, context: context)
            let codes = billingCodes
                ? Coder.shared.codes(
                    for: note,
                    request: Coder.Request(patient: visitPatient, medications: medication, age: age, transcript: text))
                : nil
            switch format {
            case .fhir, .fhirXML:
                let id = "note_" + UUID().uuidString.lowercased().filter { $0 != "-" }
                var fhirMapping = NoteFHIRMapping()
                if let mapping {
                    do {
                        fhirMapping = try GatewayConfiguration.fhirMapping(path: mapping)
                    } catch {
                        throw CommandFailure(message: "\(error)", exitCode: 2)
                    }
                }
                let input = NoteFHIRInput(
                    note: note, codes: codes, noteID: id,
                    date: Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)))
                let renderer = NoteFHIRRenderer(mapping: fhirMapping)
                let bundle = self.bundle == .document ? renderer.documentBundle(input) : renderer.transactionBundle(input)
                if format == .fhir {
                    Terminal.write(JSONWriter.write(bundle, pretty: true))
                } else {
                    do {
                        Terminal.write(try FHIRXMLWriter().write(bundle))
                    } catch {
                        throw CommandFailure(message: "the note could not be written as FHIR XML: \(error)", exitCode: 1)
                    }
                }
            case .text:
                for part in note.parts {
                    Terminal.line(part.title)
                    Terminal.line(part.text)
                    Terminal.line("")
                }
                if let codes { Terminal.line(BillingCodesOutput.text(codes)) }
            case .json:
                let output = Output(
                    specialty: specialty.rawValue, template: template.rawValue,
                    transcriptKind: note.transcriptKind.rawValue, subjective: note.subjective,
                    objective: note.objective, assessment: note.assessment, plan: note.plan,
                    sections: note.parts.map { Output.Part(key: $0.key, title: $0.title, text: $0.text) },
                    statements: note.statements.map { statement in
                        Output.Statement(
                            section: statement.section.rawValue, subsection: statement.subsection,
                            origin: statement.origin.rawValue, text: statement.text,
                            evidence: EvidenceRange.list(statement.evidence))
                    },
                    entities: note.entities.map { entity in
                        Output.Entity(
                            kind: entity.kind.rawValue, text: entity.text, name: entity.name, value: entity.value,
                            unit: entity.unit, negated: entity.negated, uncertain: entity.uncertain,
                            context: entity.context?.rawValue, attributes: entity.attributes,
                            evidence: EvidenceRange.list(entity.evidence))
                    },
                    billingCodes: codes.map(BillingCodesOutput.init))
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Terminal.write(Array(try encoder.encode(output)) + [0x0A])
            }
        } catch let error as NoteRequestError {
            Terminal.error(error.description)
            throw ExitCode(1)
        } catch let error as TranscriptError {
            // With --audio the caller sent no transcript: what fails is the speech recognised in the recording.
            Terminal.error(audio.map { "\($0): the speech recognised in the recording \(error.reason)" } ?? error.description)
            throw ExitCode(1)
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            throw ExitCode(failure.exitCode)
        }
    }
}
