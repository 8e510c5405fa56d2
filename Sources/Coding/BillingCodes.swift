import Scribe
import Terminology

/// The billing codes suggested for a note, for a coder's review: ICD-10-CM diagnoses, CPT services (with the
/// office visit level) and HCPCS Level II (and CDT for dental) codes, each with its reason and evidence.
public struct BillingCodes: Hashable, Sendable {
    /// Diagnoses, the main reason for the visit first.
    public var icd10: [DiagnosisCode]
    /// CPT services: the visit level first, then procedures.
    public var cpt: [ServiceCode]
    /// HCPCS Level II codes (drugs, supplies, Medicare services) and, for dental notes, CDT codes.
    public var hcpcs: [ServiceCode]
    /// How the office visit level was chosen, when one was.
    public var visitLevel: VisitLevel?
    /// What the reviewer should know (`veterinary notes get no human billing codes`).
    public var notices: [String]

    /// Creates a set of codes.
    public init(
        icd10: [DiagnosisCode] = [], cpt: [ServiceCode] = [], hcpcs: [ServiceCode] = [], visitLevel: VisitLevel? = nil,
        notices: [String] = []
    ) {
        self.icd10 = icd10
        self.cpt = cpt
        self.hcpcs = hcpcs
        self.visitLevel = visitLevel
        self.notices = notices
    }
}

/// Where a code's support is: the note statement and the transcript ranges behind it.
public struct CodeEvidence: Hashable, Sendable {
    /// The note section of the statement.
    public var section: NoteSection
    /// The statement as written in the note.
    public var statement: String
    /// Unicode-scalar ranges of the transcript (end exclusive).
    public var ranges: [Range<Int>]
}

/// A suggested ICD-10-CM code.
public struct DiagnosisCode: Hashable, Sendable {
    /// With its dot (`E11.40`).
    public var code: String
    /// The official title.
    public var description: String
    /// 0–1: how sure the coder is that the documentation supports exactly this code.
    public var confidence: Double
    /// 1 for the first-listed code (the main reason for the visit), then 2, 3, ...
    public var rank: Int
    /// Why: the words coded and the rule applied.
    public var reason: String
    /// The statements that support it.
    public var evidence: [CodeEvidence]
    /// What kind of problem it is (for the visit level).
    var traits: Concepts.Traits = []
    /// The words that state its course (`worsening`, `stable`), for the visit level.
    var uncertainCause = false
}

/// A suggested procedure or service code.
public struct ServiceCode: Hashable, Sendable {
    /// The code system (CPT, HCPCS, CDT).
    public typealias System = CodeSystem

    /// The code (`99214`, `J1030`, `D1110`).
    public var code: String
    /// The code system.
    public var system: System
    /// A short label of our own (CPT and CDT descriptors are copyrighted by the AMA and the ADA).
    public var label: String
    /// Modifiers (`25`).
    public var modifiers: [String]
    /// Units billed.
    public var units: Int
    /// 0–1.
    public var confidence: Double
    /// Order within its list, from 1.
    public var rank: Int
    /// Why.
    public var reason: String
    /// The statements that support it.
    public var evidence: [CodeEvidence]
}

/// The office or outpatient visit level and what it rests on.
public struct VisitLevel: Hashable, Sendable {
    /// New or established patient.
    public enum Patient: String, Hashable, Sendable, Codable, CaseIterable {
        case new
        case established
    }

    /// A level of medical decision making (AMA 2021 office visit guidelines).
    public enum Complexity: Int, Hashable, Sendable, Comparable, CaseIterable {
        case straightforward = 1, low, moderate, high

        /// `straightforward`, `low`, `moderate`, `high`.
        public var name: String {
            switch self {
            case .straightforward: "straightforward"
            case .low: "low"
            case .moderate: "moderate"
            case .high: "high"
            }
        }

        public static func < (lhs: Complexity, rhs: Complexity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The E/M code.
    public var code: String
    /// New or established, and how that was decided.
    public var patient: Patient
    public var patientBasis: String
    /// `mdm` or `time`.
    public var basis: String
    /// The medical decision making level and its three elements, each with what was found.
    public var medicalDecisionMaking: Complexity
    public var problems: (level: Complexity, findings: [String])
    public var data: (level: Complexity, findings: [String])
    public var risk: (level: Complexity, findings: [String])
    /// Total time on the date of the visit, when the transcript states it.
    public var minutes: Int?

    public static func == (lhs: VisitLevel, rhs: VisitLevel) -> Bool {
        lhs.code == rhs.code && lhs.patient == rhs.patient && lhs.basis == rhs.basis && lhs.minutes == rhs.minutes
            && lhs.medicalDecisionMaking == rhs.medicalDecisionMaking && lhs.problems.findings == rhs.problems.findings
            && lhs.data.findings == rhs.data.findings && lhs.risk.findings == rhs.risk.findings
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(basis)
        hasher.combine(minutes)
    }
}
