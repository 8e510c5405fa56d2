import Coding
import Terminology
import Scribe

/// A transcript range, `{start, end}` in characters (Unicode scalars) of the transcript.
public struct EvidenceRange: Codable, Sendable, Hashable {
    /// The first character.
    public var start: Int
    /// One past the last character.
    public var end: Int
    /// When the range was said, in seconds from the start of the recording: for a note written from a recording;
    /// absent otherwise.
    public var startSeconds: Double? = nil
    /// When the range's last words ended, in seconds from the start of the recording.
    public var endSeconds: Double? = nil

    /// Transcript ranges as `{start, end}` objects, each with the time it was said when `segments` (a recording's)
    /// are given.
    public static func list(_ ranges: [Range<Int>], segments: [TranscriptSegment]? = nil) -> [EvidenceRange] {
        ranges.map { range in
            let time = segments.flatMap { TranscriptSegment.time(of: range, in: $0) }
            return EvidenceRange(
                start: range.lowerBound, end: range.upperBound, startSeconds: time?.start, endSeconds: time?.end)
        }
    }
}

/// The JSON and text forms of a note's billing codes (`billing_codes` in the CLI's and the API's JSON).
public struct BillingCodesOutput: Codable, Sendable {
    public struct Evidence: Codable, Sendable {
        public var section: String
        public var statement: String
        public var ranges: [EvidenceRange]
    }

    public struct Diagnosis: Codable, Sendable {
        public var code: String
        public var description: String
        public var confidence: Double
        public var rank: Int
        public var reason: String
        public var evidence: [Evidence]
    }

    public struct Service: Codable, Sendable {
        public var code: String
        public var system: String
        public var description: String
        public var modifiers: [String]
        public var units: Int
        public var confidence: Double
        public var rank: Int
        public var reason: String
        public var evidence: [Evidence]
    }

    public struct Element: Codable, Sendable {
        public var level: String
        public var findings: [String]
    }

    public struct Visit: Codable, Sendable {
        public var code: String
        public var patient: String
        public var patientBasis: String
        public var basis: String
        public var medicalDecisionMaking: String
        public var problems: Element
        public var data: Element
        public var risk: Element
        public var minutes: Int?

        enum CodingKeys: String, CodingKey {
            case code, patient, basis, problems, data, risk, minutes
            case patientBasis = "patient_basis"
            case medicalDecisionMaking = "medical_decision_making"
        }
    }

    public var icd10: [Diagnosis]
    public var cpt: [Service]
    public var hcpcs: [Service]
    public var visitLevel: Visit?
    public var notices: [String]

    enum CodingKeys: String, CodingKey {
        case icd10, cpt, hcpcs, notices
        case visitLevel = "visit_level"
    }

    static func evidence(_ items: [CodeEvidence]) -> [Evidence] {
        items.map {
            Evidence(
                section: $0.section.rawValue, statement: $0.statement,
                ranges: EvidenceRange.list($0.ranges))
        }
    }

    static func service(_ code: ServiceCode) -> Service {
        Service(
            code: code.code, system: code.system.rawValue, description: code.label, modifiers: code.modifiers,
            units: code.units, confidence: code.confidence, rank: code.rank, reason: code.reason,
            evidence: evidence(code.evidence))
    }

    /// The JSON form of `codes`.
    public init(_ codes: BillingCodes) {
        icd10 = codes.icd10.map {
            Diagnosis(
                code: $0.code, description: $0.description, confidence: $0.confidence, rank: $0.rank, reason: $0.reason,
                evidence: Self.evidence($0.evidence))
        }
        cpt = codes.cpt.map(Self.service)
        hcpcs = codes.hcpcs.map(Self.service)
        visitLevel = codes.visitLevel.map { level in
            Visit(
                code: level.code, patient: level.patient.rawValue, patientBasis: level.patientBasis, basis: level.basis,
                medicalDecisionMaking: level.medicalDecisionMaking.name,
                problems: Element(level: level.problems.level.name, findings: level.problems.findings),
                data: Element(level: level.data.level.name, findings: level.data.findings),
                risk: Element(level: level.risk.level.name, findings: level.risk.findings), minutes: level.minutes)
        }
        notices = codes.notices
    }

    /// The readable block under the note.
    public static func text(_ codes: BillingCodes) -> String {
        var lines = ["BILLING CODES (suggested; for a coder's review)"]
        func confidence(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
        if !codes.icd10.isEmpty {
            lines.append("ICD-10-CM")
            for code in codes.icd10 {
                lines.append("  \(code.rank). \(code.code)  \(code.description)  [\(confidence(code.confidence))]")
                lines.append("     \(code.reason)")
            }
        }
        for (title, list) in [("CPT", codes.cpt), ("HCPCS", codes.hcpcs)] where !list.isEmpty {
            lines.append(title)
            for code in list {
                let modifiers = code.modifiers.isEmpty ? "" : "-" + code.modifiers.joined(separator: "-")
                let units = code.units > 1 ? " x\(code.units)" : ""
                let system = code.system == .cdt ? " (CDT)" : ""
                lines.append("  \(code.code)\(modifiers)\(units)\(system)  \(code.label)  [\(confidence(code.confidence))]")
                lines.append("     \(code.reason)")
            }
        }
        if let level = codes.visitLevel {
            lines.append("VISIT LEVEL \(level.code): \(level.patient.rawValue) patient; MDM \(level.medicalDecisionMaking.name)")
            for (name, element) in [("problems", level.problems), ("data", level.data), ("risk", level.risk)] {
                lines.append("  \(name) (\(element.level.name)): " + element.findings.joined(separator: "; "))
            }
            if let minutes = level.minutes { lines.append("  total time: \(minutes) minutes") }
        }
        if codes.icd10.isEmpty && codes.cpt.isEmpty && codes.hcpcs.isEmpty && codes.notices.isEmpty {
            lines.append("No codes: the note documents no codable diagnosis or service.")
        }
        for notice in codes.notices { lines.append("Note: " + notice) }
        lines.append("CPT and CDT labels are NoteBridge's own; CPT is a registered trademark of the AMA.")
        return lines.joined(separator: "\n")
    }
}
