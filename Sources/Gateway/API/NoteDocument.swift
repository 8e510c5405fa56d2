import Coding
import Foundation
import Scribe

/// The JSON of a note as `POST /v1/note` answers it and `GET /v1/note/{id}` returns it.
public struct NoteDocument: Codable, Sendable {
    /// One part of the note as the template lays it out.
    public struct Part: Codable, Sendable {
        public var key: String
        public var title: String
        public var text: String
    }

    /// One statement with the transcript ranges behind it.
    public struct Statement: Codable, Sendable {
        public var section: String
        public var subsection: String?
        public var origin: String
        public var text: String
        public var evidence: [EvidenceRange]
    }

    public var noteId: String
    public var subjective: String
    public var objective: String
    public var assessment: String
    public var plan: String
    public var sections: [Part]
    public var billingCodes: BillingCodesOutput?
    public var patientSummary: String?
    public var specialty: String
    public var template: String
    public var transcriptKind: String
    public var createdAt: String
    public var expiresAt: String
    public var transcript: String?
    /// A recording's timed segments, with `transcript` (`include_transcript`).
    public var transcriptSegments: [TranscriptSegment]?
    public var statements: [Statement]?
    public var notices: [String]?

    enum CodingKeys: String, CodingKey {
        case noteId, subjective, objective, assessment, plan, sections, specialty, template, transcript, statements
        case notices
        case billingCodes = "billing_codes"
        case patientSummary = "patient_summary"
        case transcriptKind = "transcript_kind"
        case transcriptSegments = "transcript_segments"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    /// The document of a written note.
    init(id: String, note: Note, codes: BillingCodes?, job: NoteJob, createdAt: Date, expiresAt: Date) {
        noteId = id
        subjective = note.subjective
        objective = note.objective
        assessment = note.assessment
        plan = note.plan
        sections = note.parts.map { Part(key: $0.key, title: $0.title, text: $0.text) }
        billingCodes = codes.map(BillingCodesOutput.init)
        patientSummary = job.includePatientSummary ? PatientSummary.write(note) : nil
        specialty = note.specialty.rawValue
        template = note.template.rawValue
        transcriptKind = note.transcriptKind.rawValue
        self.createdAt = Self.timestamp(createdAt)
        self.expiresAt = Self.timestamp(expiresAt)
        transcript = job.includeTranscript ? job.transcript : nil
        transcriptSegments = job.includeTranscript ? job.transcriptSegments : nil
        statements =
            job.includeEvidence
            ? note.statements.map {
                Statement(
                    section: $0.section.rawValue, subsection: $0.subsection, origin: $0.origin.rawValue, text: $0.text,
                    evidence: EvidenceRange.list($0.evidence, segments: job.transcriptSegments))
            } : nil
        notices =
            job.hasCustomInstructions
            ? [
                "context.custom_instructions was accepted but not applied: the note engine is deterministic; choose the layout with template"
            ] : nil
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-29T19:40:12.345Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Compact JSON, keys sorted (the same note always encodes to the same bytes).
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return Array(try encoder.encode(self))
    }
}
