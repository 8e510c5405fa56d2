import ArgumentParser
import Coding
import Foundation
import Gateway
import Scribe
import Terminology

/// `notebridge codes`: the ICD-10-CM code set: search it, show a code.
struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Search the ICD-10-CM code set (FY2026) and show a code's details.",
        subcommands: [Search.self, Show.self, Assign.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json
        case text
    }

    /// `notebridge codes search "text"`.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the best ICD-10-CM matches for a text: code, title, score (0-1).",
            discussion: "Abbreviations and lay terms are understood (HTN, T2DM, CHF, high blood pressure, heart attack).")

        @Argument(help: "What to look for.")
        var text: String

        @Option(help: "How many matches to print (1-100).")
        var limit = 10

        @Flag(help: "Billable (complete) codes only.")
        var billable = false

        @Option(help: "json or text.")
        var format: Format = .text

        struct Match: Encodable {
            var code: String
            var title: String
            var billable: Bool
            var score: Double
            var matched: String
        }

        func run() async throws {
            let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !query.isEmpty else {
                Terminal.error("codes search: the text is empty")
                throw ExitCode(1)
            }
            guard query.utf8.count <= SearchTerms.maximumQueryLength else {
                Terminal.error("codes search: the text is longer than \(SearchTerms.maximumQueryLength) bytes")
                throw ExitCode(1)
            }
            guard (1...100).contains(limit) else {
                Terminal.error("codes search: --limit must be between 1 and 100")
                throw ExitCode(1)
            }
            let matches = ICD10Search.shared.search(query, limit: limit, billableOnly: billable)
            guard !matches.isEmpty else {
                Terminal.error("codes search: no ICD-10-CM title or inclusion term matches the text")
                throw ExitCode(1)
            }
            switch format {
            case .json:
                let rows = matches.map {
                    Match(code: $0.code.code, title: $0.code.title, billable: $0.code.isBillable, score: $0.score,
                        matched: $0.matchedText)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Terminal.write(Array(try encoder.encode(rows)) + [0x0A])
            case .text:
                for match in matches {
                    let mark = match.code.isBillable ? " " : "*"
                    let code = match.code.code.padding(toLength: 9, withPad: " ", startingAt: 0)
                    Terminal.line("\(code)\(mark) \(String(format: "%.3f", match.score))  \(match.code.title)")
                }
                if matches.contains(where: { !$0.code.isBillable }) {
                    Terminal.line("(* not billable: a category or subcategory with codes below it)")
                }
            }
        }
    }

    /// `notebridge codes assign FILE`: codes a clinician's assessment text.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suggest ICD-10-CM (and CPT/HCPCS) codes for an assessment and plan text.",
            discussion: "Each line and each numbered item is a problem. Exit status 1 with a clear message on bad input.")

        @Argument(help: "The assessment text file; standard input when absent or -.")
        var file = "-"

        @Option(help: "The specialty (as for `note`).")
        var specialty = "generic"

        @Option(help: "json or text.")
        var format: Format = .text

        func run() async throws {
            do {
                let specialty = try Specialty(validating: specialty)
                let bytes = try Terminal.read(file, limit: 1 << 20)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw CommandFailure(message: "assessment: is not UTF-8 text", exitCode: 1)
                }
                guard text.contains(where: { $0.isLetter }) else {
                    throw CommandFailure(message: "assessment: the text has no words", exitCode: 1)
                }
                let codes = Coder.shared.codes(forAssessment: text, specialty: specialty)
                switch format {
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    Terminal.write(Array(try encoder.encode(BillingCodesOutput(codes))) + [0x0A])
                case .text:
                    Terminal.line(BillingCodesOutput.text(codes))
                }
            } catch let error as NoteRequestError {
                Terminal.error(error.description)
                throw ExitCode(1)
            } catch let failure as CommandFailure {
                Terminal.error(failure.message)
                throw ExitCode(1)
            }
        }
    }

    /// `notebridge codes show CODE`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an ICD-10-CM code's title, place in the list, notes and the codes below it.",
            discussion: "Exit status 1 for a code that is not in ICD-10-CM FY2026.")

        @Argument(help: "The code, with or without its dot (E11.40, e1140).")
        var code: String

        @Option(help: "json or text.")
        var format: Format = .text

        struct Details: Encodable {
            struct Note: Encodable {
                var kind: String
                var text: String
                var source: String
            }

            var code: String
            var title: String
            var billable: Bool
            var chapter: String
            var section: String
            var parent: String?
            var children: [String]
            var seventhCharacters: [String: String]
            var notes: [Note]
        }

        func run() async throws {
            let shown = code.count > 12 ? String(code.prefix(12)) + "…" : code
            guard code.unicodeScalars.allSatisfy({ $0.isASCII && !$0.properties.isWhitespace || $0 == " " }),
                let found = ICD10CM.shared.code(code)
            else {
                Terminal.error("codes show: \(shown.debugDescription) is not an ICD-10-CM code (FY2026, April 2026)")
                throw ExitCode(1)
            }
            let notes = found.applicableNotes
            switch format {
            case .json:
                let details = Details(
                    code: found.code, title: found.title, billable: found.isBillable,
                    chapter: "\(found.chapter.number) \(found.chapter.title)",
                    section: "\(found.section.range) \(found.section.title)", parent: found.parent?.code,
                    children: found.children.map(\.code),
                    seventhCharacters: Dictionary(
                        found.seventhCharacters.map { (String($0.character), $0.meaning) }, uniquingKeysWith: { $1 }),
                    notes: notes.map { Details.Note(kind: $0.note.kind.rawValue, text: $0.note.text, source: $0.source) })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Terminal.write(Array(try encoder.encode(details)) + [0x0A])
            case .text:
                Terminal.line("\(found.code)  \(found.title)")
                Terminal.line(found.isBillable ? "billable: yes" : "billable: no (use a code below it)")
                Terminal.line("chapter \(found.chapter.number): \(found.chapter.title)")
                Terminal.line("section \(found.section.range): \(found.section.title)")
                if let parent = found.parent { Terminal.line("parent: \(parent.code) \(parent.title)") }
                for kind in ICD10Note.Kind.allCases {
                    let ofKind = notes.filter { $0.note.kind == kind }
                    guard !ofKind.isEmpty else { continue }
                    Terminal.line("\(kind.heading):")
                    for (source, note) in ofKind {
                        Terminal.line("  \(note.text)" + (source == found.code ? "" : "  [\(source)]"))
                    }
                }
                if !found.seventhCharacters.isEmpty, !found.isBillable {
                    Terminal.line("7th characters:")
                    for character in found.seventhCharacters { Terminal.line("  \(character.character)  \(character.meaning)") }
                }
                let children = found.children
                if !children.isEmpty {
                    Terminal.line("codes below:")
                    for child in children { Terminal.line("  \(child.code)\(child.isBillable ? "" : "*")  \(child.title)") }
                }
            }
        }
    }
}
