import ArgumentParser
import EncounterModel
import Foundation
import HL7v2
import Mapping
import Scribe

/// `notebridge mappings`: checks the declarative mapping files and shows what a note becomes under one.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings", abstract: "Check mapping files, or render a note with one.",
        subcommands: [CheckCommand.self, RenderCommand.self])

    /// `notebridge mappings check [PATH ...]`.
    struct CheckCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Read every mapping file (hl7-in/, hl7-out/ and the FHIR mapping); report each error with its file, line and key."
        )

        @Argument(help: "Mapping files or folders (default: ./mappings).")
        var paths: [String] = []

        func run() async throws {
            try await reportingFailures {
                let files = try MappingsCommand.files(in: paths.isEmpty ? ["mappings"] : paths)
                guard !files.isEmpty else {
                    throw CommandFailure(message: "no mapping files (*.yaml) found", exitCode: 2)
                }
                var failures = 0
                for file in files {
                    if let error = MappingsCommand.check(file) {
                        failures += 1
                        Terminal.error(error)
                    } else {
                        Terminal.line("ok \(file)")
                    }
                }
                if failures > 0 {
                    throw CommandFailure(
                        message: "\(failures) of \(files.count) mapping files have errors", exitCode: 1)
                }
            }
        }
    }

    /// `notebridge mappings render --mapping FILE TRANSCRIPT`.
    struct RenderCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Print the HL7 v2 messages a note written from TRANSCRIPT becomes under an hl7-out mapping.",
            discussion: """
                The patient and visit are invented (TESTPATIENT^ALEX, MRN TEST0001) unless --message names an HL7 v2
                message to take them from. Segments are printed one per line; --er7 keeps the CR terminators.
                """)

        @Option(help: "An hl7-out mapping file (mappings/hl7-out/*.yaml).")
        var mapping: String

        @Option(help: "An HL7 v2 message (MDM^T02, ORU^R01, ADT) whose patient and visit the note is for.")
        var message: String?

        @Option(help: "The specialty of the note (default: from the message, else generic).")
        var specialty: String?

        @Flag(help: "Write the messages as ER7 bytes (CR between segments, an empty line between messages).")
        var er7 = false

        @Argument(help: "The transcript file; standard input when absent or -.")
        var transcript: String?

        func run() async throws {
            try await reportingFailures {
                let outbound: HL7OutboundMapping
                do {
                    outbound = try HL7OutboundMapping.load(path: mapping)
                } catch {
                    throw CommandFailure(message: "\(error)", exitCode: 2)
                }
                let bytes = try Terminal.read(transcript ?? "-", limit: 4 << 20)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw CommandFailure(message: "transcript: is not UTF-8 text", exitCode: 1)
                }
                var encounter = MappingFiles.sampleEncounter(transcript: text)
                if let message {
                    let parsed: HL7Message
                    do {
                        parsed = try HL7Message(parsing: try Terminal.read(message, limit: 4 << 20))
                    } catch let error as HL7ParseError {
                        throw CommandFailure(message: "\(message): \(error)", exitCode: 1)
                    }
                    let context = HL7EncounterReader().context(from: parsed)
                    encounter.patient = context.patient
                    encounter.visit = context.visit
                    encounter.attending = context.attending
                    encounter.author = context.author
                    encounter.specialty = context.specialty
                }
                if let specialty {
                    guard Specialty(rawValue: specialty) != nil else {
                        throw CommandFailure(message: "--specialty must be one of the 24 specialty values", exitCode: 2)
                    }
                    encounter.specialty = specialty
                }
                let writer = EncounterNoteWriter()
                let now = Date()
                let note: Note
                do {
                    note = try writer.note(for: encounter, at: now)
                } catch {
                    throw CommandFailure(
                        message:
                            "the transcript cannot be used: \((error as? TranscriptError)?.reason ?? "unreadable")",
                        exitCode: 1)
                }
                let record = NoteRecord(
                    id: "note_" + UUID().uuidString.lowercased().filter { $0 != "-" }, createdAt: now,
                    encounter: encounter, note: note, codes: writer.codes(for: note, encounter: encounter, at: now))
                let messages: [(kind: HL7NoteRenderer.MessageKind, controlID: String, bytes: [UInt8])]
                do {
                    messages = try outbound.messages(record, controlID: "RENDER-1", at: now)
                } catch {
                    throw CommandFailure(message: "the note cannot be written as HL7 v2: \(error)", exitCode: 1)
                }
                for (index, message) in messages.enumerated() {
                    if index > 0 { Terminal.write(Array((er7 ? "\r" : "\n").utf8)) }
                    Terminal.write(er7 ? message.bytes : message.bytes.map { $0 == 0x0D ? 0x0A : $0 })
                }
            }
        }
    }

    /// The `*.yaml` files among `paths` (folders read recursively, two levels deep), sorted.
    static func files(in paths: [String]) throws -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure(message: "\(path): no such file or folder", exitCode: 2)
            }
            guard isDirectory.boolValue else {
                found.append(path)
                continue
            }
            found += MappingFiles.yamlFiles(in: path)
        }
        return found
    }

    /// The error of one mapping file, as `file:line: key: reason`, or `nil` when it reads.
    static func check(_ file: String) -> String? {
        MappingFiles.check(file)
    }
}
