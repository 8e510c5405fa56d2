import Foundation
import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// The coder reads each clause's conditions once per note (`DiagnosisCoder.MentionMemo`) and takes the transcript the
/// note writer read (`Coder.codes(for:request:transcript:)`): the codes must be the very codes of reading everything
/// again.
@Suite("Billing codes: what is read once")
struct ReadOnceCodingTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/transcripts")

    static let files = [
        "primary-care-dialogue", "psychiatry-dialogue", "physical-therapy-dialogue", "dentistry-dialogue",
        "named-speakers-dialogue", "dictation-hpi", "ems-dictation", "seed-lower-back-pain",
    ]

    static func text(_ name: String) throws -> String {
        try String(contentsOf: samples.appendingPathComponent(name + ".txt"), encoding: .utf8)
    }

    @Test("the transcript the note writer read gives the codes of the coder's own reading", arguments: files)
    func sharedTranscript(file: String) throws {
        let text = try Self.text(file)
        let transcript = try Transcript(text)
        let note = NoteWriter().note(transcript: transcript, specialty: .physician)
        #expect(note == (try NoteWriter().note(transcript: text, specialty: .physician)))
        // The medications make the visit's sentences be read for the conditions they treat (and the primary care
        // visit's 142 over 88 for an elevated reading): the passes that share the memo.
        for request in [
            Coder.Request(transcript: text),
            Coder.Request(medications: ["lisinopril", "metformin", "atorvastatin"], age: 58, transcript: text),
        ] {
            let own = Coder.shared.codes(for: note, request: request)
            let shared = Coder.shared.codes(for: note, request: request, transcript: transcript)
            #expect(shared == own)
        }
    }

    @Test("a transcript read from another text is not taken for the request's")
    func otherTranscriptIgnored() throws {
        let text = try Self.text("primary-care-dialogue")
        let other = try Transcript(try Self.text("psychiatry-dialogue"))
        let note = try NoteWriter().note(transcript: text, specialty: .physician)
        let request = Coder.Request(medications: ["lisinopril"], transcript: text)
        let own = Coder.shared.codes(for: note, request: request)
        #expect(!own.icd10.isEmpty)
        #expect(Coder.shared.codes(for: note, request: request, transcript: other) == own)
        // And one the default limits refuse (shorter than 50 characters) is read again, as the coder reads it.
        let short = "[doctor] how is the cough?\n[patient] better."
        let shortNote = try NoteWriter(limits: Transcript.Limits(minimumCharacters: 1)).note(transcript: short)
        let shortTranscript = try Transcript(short, limits: Transcript.Limits(minimumCharacters: 1))
        let shortRequest = Coder.Request(transcript: short)
        #expect(
            Coder.shared.codes(for: shortNote, request: shortRequest, transcript: shortTranscript)
                == Coder.shared.codes(for: shortNote, request: shortRequest))
    }

    @Test("the memo answers what reading the clause gives, and keeps apart words that differ only in their bytes")
    func memo() throws {
        let coder = DiagnosisCoder(codeSet: .shared, index: .shared)
        let memo = DiagnosisCoder.MentionMemo(coder: coder)
        let clauses =
            DiagnosisCoder.clauses(of: "History of hypertension, on lisinopril; no chest pain. Type 2 diabetes.")
            + DiagnosisCoder.clauses(of: "History of hypertension, on lisinopril")
        #expect(clauses.count == 4)
        for words in clauses + clauses {
            let remembered = memo.mentions(in: words).map { "\($0)" }
            #expect(remembered == coder.mentions(in: words).map { "\($0)" })
        }
        #expect(memo.mentions(in: clauses[0]).map(\.target.code.code) == ["I10"])
        // `é` as one scalar and as `e` with a combining accent: equal as Strings, not as bytes.
        let composed = ["caf\u{E9}", "au", "lait", "spots"]
        let decomposed = ["cafe\u{301}", "au", "lait", "spots"]
        #expect(composed == decomposed)
        #expect(
            DiagnosisCoder.MentionMemo.Clause(words: composed) != DiagnosisCoder.MentionMemo.Clause(words: decomposed))
        _ = memo.mentions(in: composed)
        #expect(memo.mentions(in: decomposed).map { "\($0)" } == coder.mentions(in: decomposed).map { "\($0)" })
    }
}
