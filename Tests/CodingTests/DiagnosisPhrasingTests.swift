import Foundation
import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// A note whose assessment is the given lines, one statement each.
func assessmentNote(_ lines: [String], subjective: [String] = [], plan: [String] = [], specialty: Specialty = .generic)
    -> Note
{
    var statements: [NoteStatement] = []
    var offset = 0
    func add(_ text: String, _ section: NoteSection) {
        statements.append(NoteStatement(section: section, text: text, evidence: [offset..<(offset + text.unicodeScalars.count)]))
        offset += text.unicodeScalars.count + 1
    }
    for line in subjective { add(line, .subjective) }
    for line in lines { add(line, .assessment) }
    for line in plan { add(line, .plan) }
    return Note(specialty: specialty, template: .standard, transcriptKind: .dictation, statements: statements, entities: [])
}

/// The ICD-10-CM codes NoteBridge suggests for a dialogue: its note written, then coded with the transcript.
func dialogueICD10(_ transcript: String) throws -> [String] {
    let note = try NoteWriter().note(transcript: transcript)
    return Coder.shared.codes(for: note, request: Coder.Request(transcript: transcript)).icd10.map(\.code)
}

@Suite("Diagnosis phrasings (Fixtures/diagnosis-phrasings.tsv)")
struct DiagnosisPhrasingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var phrasing: String
        var code: String
        var title: String
        var testDescription: String { "\(phrasing) → \(code)" }
    }

    static let rows: [Row] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/diagnosis-phrasings.tsv")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst(2).compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, !line.hasPrefix("#") else { return nil }
            return Row(phrasing: fields[0], code: fields[1], title: fields[2])
        }
    }()

    @Test("the table holds at least 200 phrasings, each code billable with its official title")
    func table() throws {
        #expect(Self.rows.count >= 200)
        for row in Self.rows {
            let code = try #require(ICD10CM.shared.code(row.code), "\(row.code) is not in ICD-10-CM")
            #expect(code.isBillable, "\(row.code) is not billable")
            #expect(code.title == row.title, "\(row.code): official title is \(code.title)")
        }
    }

    @Test("each phrasing is coded with its code, first")
    func coded() {
        var failures: [String] = []
        for row in Self.rows {
            let codes = Coder.shared.codes(for: assessmentNote([row.phrasing])).icd10
            if codes.first?.code != row.code {
                failures.append("\(row.phrasing) → \(codes.map(\.code).joined(separator: " ")) (want \(row.code))")
            }
        }
        let exact = Double(Self.rows.count - failures.count) / Double(max(Self.rows.count, 1))
        print("diagnosis phrasings: \(Self.rows.count - failures.count)/\(Self.rows.count) exact")
        for failure in failures { print("  " + failure) }
        #expect(failures.isEmpty, "\(failures.count) phrasings coded otherwise (exact \(exact))")
    }
}
