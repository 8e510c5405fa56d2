import Terminology
import Scribe

/// The JSON and text forms of a note's billing codes.
struct BillingCodesOutput: Encodable {
    struct Evidence: Encodable {
        var section: String
        var statement: String
        var ranges: [NoteCommand.Output.Statement.Evidence]
    }

    struct Diagnosis: Encodable {
        var code: String
        var description: String
        var confidence: Double
        var rank: Int
        var reason: String
        var evidence: [Evidence]
    }

    struct Service: Encodable {
        var code: String
        var system: String
        var description: String
        var modifiers: [String]
        var units: Int
        var confidence: Double
        var rank: Int
        var reason: String
        var evidence: [Evidence]
    }

    struct Element: Encodable {
        var level: String
        var findings: [String]
    }

    struct Visit: Encodable {
        var code: String
        var patient: String
        var patientBasis: String
        var basis: String
        var medicalDecisionMaking: String
        var problems: Element
        var data: Element
        var risk: Element
        var minutes: Int?

        enum CodingKeys: String, CodingKey {
            case code, patient, basis, problems, data, risk, minutes
            case patientBasis = "patient_basis"
            case medicalDecisionMaking = "medical_decision_making"
        }
    }

    var icd10: [Diagnosis]
    var cpt: [Service]
    var hcpcs: [Service]
    var visitLevel: Visit?
    var notices: [String]

    enum CodingKeys: String, CodingKey {
        case icd10, cpt, hcpcs, notices
        case visitLevel = "visit_level"
    }

    static func evidence(_ items: [CodeEvidence]) -> [Evidence] {
        items.map {
            Evidence(
                section: $0.section.rawValue, statement: $0.statement,
                ranges: NoteCommand.Output.Statement.Evidence.list($0.ranges))
        }
    }

    static func service(_ code: ServiceCode) -> Service {
        Service(
            code: code.code, system: code.system.rawValue, description: code.label, modifiers: code.modifiers,
            units: code.units, confidence: code.confidence, rank: code.rank, reason: code.reason,
            evidence: evidence(code.evidence))
    }

    init(_ codes: BillingCodes) {
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
    static func text(_ codes: BillingCodes) -> String {
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
