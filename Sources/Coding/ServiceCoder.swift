import Foundation
import Scribe
import Terminology

/// Chooses the CPT, HCPCS and CDT codes of a note: the office visit level (E/M) by the AMA 2021 medical
/// decision making rules or by total time, procedures and tests done at the visit, vaccines and their
/// administration, drugs given, time-based therapy and psychotherapy codes, dental procedures.
struct ServiceCoder {
    let note: Note
    let diagnoses: [DiagnosisCode]
    let request: Coder.Request
    /// Lower-cased statement texts.
    let texts: [String]
    /// The transcript's sentences, lower-cased, with their ranges (when the caller gave the transcript).
    let sentences: [(text: String, range: Range<Int>)]
    /// The statements (documents 0..<statements) and sentences (after them), word-indexed.
    let finder: PhraseFinder
    /// The documents of the assessment and plan.
    let planDocuments: Set<Int>
    /// Whether someone other than the clinician and the patient speaks (a parent, a spouse): a historian.
    let companionSpeaks: Bool

    init(note: Note, diagnoses: [DiagnosisCode], request: Coder.Request) {
        self.note = note
        self.diagnoses = diagnoses
        self.request = request
        texts = note.statements.map { $0.text.lowercased() }
        var sentences: [(String, Range<Int>)] = []
        if let transcript = request.transcript {
            // Sentences end at . ? ! and line ends; lower-cased ASCII; ranges in Unicode scalars.
            var current: [UInt8] = []
            var start = 0
            var offset = 0
            for byte in transcript.utf8 {
                let isScalarStart = byte & 0xC0 != 0x80
                current.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte)
                if isScalarStart { offset += 1 }
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "!") || byte == 0x0A {
                    sentences.append((String(decoding: current, as: UTF8.self), start..<offset))
                    current.removeAll(keepingCapacity: true)
                    start = offset
                }
            }
            if !current.isEmpty { sentences.append((String(decoding: current, as: UTF8.self), start..<offset)) }
        }
        self.sentences = sentences
        finder = PhraseFinder(texts + sentences.map(\.0))
        planDocuments = Set(note.statements.indices.filter { [.assessment, .plan].contains(note.statements[$0].section) })
        companionSpeaks = Self.companionSpeaks(in: request.transcript ?? "")
    }

    static let companionLabels: Set<String> = [
        "companion", "mother", "father", "mom", "dad", "parent", "wife", "husband", "daughter", "son", "caregiver",
        "spouse", "partner", "guardian", "family",
    ]

    /// Whether a line of the transcript starts with a companion's label (`[mother]`, `Father:`).
    static func companionSpeaks(in transcript: String) -> Bool {
        var label: [UInt8] = []
        var column = 0
        var reading = true
        for byte in transcript.utf8 {
            if byte == 0x0A {
                label.removeAll(keepingCapacity: true)
                column = 0
                reading = true
                continue
            }
            column += 1
            guard reading else { continue }
            if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "]") {
                if companionLabels.contains(String(decoding: label, as: UTF8.self)) { return true }
                reading = false
            } else if column > 24 {
                reading = false
            } else if byte >= 0x41 && byte <= 0x5A {
                label.append(byte + 32)
            } else if byte >= 0x61 && byte <= 0x7A {
                label.append(byte)
            }
        }
        return false
    }

    /// Whether any statement or transcript sentence says a phrase.
    func anywhere(_ phrase: String) -> Bool { finder.anySays(phrase) }

    /// Whether an assessment or plan statement says a phrase.
    func inPlan(_ phrase: String) -> Bool { finder.documents(saying: phrase).contains { planDocuments.contains($0) } }

    func evidence(_ index: Int) -> CodeEvidence {
        let statement = note.statements[index]
        return CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
    }

    /// Statements that say one of the phrases (whole words), with the phrase found.
    func statements(saying phrases: [String], sections: Set<NoteSection> = Set(NoteSection.allCases)) -> [(Int, String)] {
        var first: [Int: String] = [:]
        for phrase in phrases {
            for document in finder.documents(saying: phrase) where document < texts.count && first[document] == nil
                && sections.contains(note.statements[document].section)
            {
                first[document] = phrase
            }
        }
        return first.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Whether `text` has `phrase` at word boundaries.
    static func contains(_ text: String, _ phrase: String) -> Bool {
        ByteSearch.contains(text, phrase, wholeWords: true)
    }

    /// Whether a statement says the thing was done at this visit, not only planned.
    func performed(_ index: Int) -> Bool {
        let done = ServiceCatalog.performedCues.contains { finder.says(index, $0) }
        let planned = ServiceCatalog.plannedCues.contains { finder.says(index, $0) }
        if done { return true }
        return !planned && note.statements[index].section == .objective
    }

    func add(to codes: inout BillingCodes) {
        // Every path numbers its codes from 1, in the order they are listed.
        defer {
            for index in codes.cpt.indices where codes.cpt[index].rank == 0 { codes.cpt[index].rank = index + 1 }
            for index in codes.hcpcs.indices where codes.hcpcs[index].rank == 0 { codes.hcpcs[index].rank = index + 1 }
        }
        switch note.specialty {
        case .veterinary:
            return
        case .dentist:
            codes.hcpcs = dental()
            codes.notices.append("Dental procedures are coded in CDT (HCPCS Level II D-codes), with our own labels; no E/M code.")
            return
        case .physicalTherapy, .occupationalTherapy, .slp, .athleticTrainer, .exerciseTherapy:
            codes.cpt = therapy()
            return
        case .psychotherapist, .socialWorker:
            codes.cpt = psychotherapy(withVisit: false)
            return
        case .chiropractor:
            codes.cpt = chiropractic()
            return
        case .acupuncture:
            codes.cpt = acupuncture()
            return
        case .massageTherapy:
            codes.cpt = timed([("97124", "Massage therapy, each 15 minutes", ["massage"])], fallbackMinutes: minutesStated())
            return
        case .dietitianNutritionist:
            codes.cpt = nutrition()
            return
        case .ems, .paramedic:
            codes.notices.append("EMS and paramedic care is billed with ambulance HCPCS codes by transport level, which the note does not determine; no office visit code.")
            return
        case .aromaTherapy, .pharmacy, .geneticCounselling:
            codes.notices.append("No CPT code is suggested for \(note.specialty.rawValue) notes; the diagnoses are coded.")
            return
        case .physician, .nursePractitioner, .generic, .psychiatrist, .podiatrist, .registeredNurse:
            break
        }
        var services = procedures()
        var hcpcs = drugs() + supplies()
        if note.specialty == .psychiatrist { services.append(contentsOf: psychotherapy(withVisit: true)) }
        var visit = visitLevel(procedures: services)
        // A nurse visit is the minimal established visit.
        if note.specialty == .registeredNurse, var level = visit, level.patient == .established {
            level.code = "99211"
            visit = level
        }
        var cpt: [ServiceCode] = []
        if let preventive = preventiveVisit() {
            cpt.append(preventive)
        }
        if var level = visit, shouldBillVisit(level, procedures: services, preventive: !cpt.isEmpty) {
            var modifiers: [String] = []
            var reason = visitReason(level)
            let separate = services.contains { service in
                ServiceCatalog.procedures.contains { $0.code == service.code && $0.separateProcedure }
                    || ServiceCatalog.vaccines.contains { $0.code == service.code } || service.code.hasPrefix("9047")
            }
            if separate || !cpt.isEmpty {
                modifiers.append("25")
                reason += "; modifier 25: a significant, separately identifiable evaluation on the day of "
                    + (cpt.isEmpty ? "a procedure" : "a preventive visit")
            }
            if level.code == "99211" { modifiers = [] }
            cpt.append(
                ServiceCode(
                    code: level.code, system: .cpt, label: Self.visitLabel(level), modifiers: modifiers, units: 1,
                    confidence: level.basis == "time" ? 0.85 : 0.7, rank: 0, reason: reason, evidence: visitEvidence()))
            if let minutes = level.minutes, level.basis == "time" {
                let base = VisitCodes.prolongedAfter(newPatient: level.patient == .new)
                if minutes >= base + 15 {
                    cpt.append(
                        ServiceCode(
                            code: "99417", system: .cpt, label: "Prolonged outpatient service, each 15 minutes",
                            modifiers: [], units: (minutes - base) / 15, confidence: 0.75, rank: 0,
                            reason: "\(minutes) minutes total: \((minutes - base) / 15) × 15 minutes beyond the \(base) minutes of \(level.code)",
                            evidence: visitEvidence()))
                }
            }
            visit = level
        } else {
            visit = nil
        }
        cpt.append(contentsOf: services)
        codes.visitLevel = visit
        // Vaccine administration codes ride on the products given.
        codes.cpt = cpt
        codes.hcpcs = hcpcs
    }

    func visitEvidence() -> [CodeEvidence] {
        note.statements.indices.filter { [.assessment, .plan].contains(note.statements[$0].section) }.prefix(3).map(evidence)
    }

    /// A procedure visit bills the E/M only when something beyond the procedure was evaluated.
    func shouldBillVisit(_ level: VisitLevel, procedures: [ServiceCode], preventive: Bool) -> Bool {
        let separate = procedures.filter { service in
            ServiceCatalog.procedures.contains { $0.code == service.code && $0.separateProcedure }
        }
        if preventive {
            // With a preventive visit, a problem visit only for real problem work (moderate risk or more).
            return level.risk.level >= .moderate && diagnoses.contains { !$0.code.hasPrefix("Z") }
        }
        guard !separate.isEmpty else { return true }
        let procedureStatements = Set(separate.flatMap { $0.evidence.map(\.statement) })
        let otherProblems = diagnoses.filter { diagnosis in
            !diagnosis.code.hasPrefix("Z") && !diagnosis.evidence.contains { procedureStatements.contains($0.statement) }
        }
        return !otherProblems.isEmpty || level.patient == .new
    }

    static func visitLabel(_ level: VisitLevel) -> String {
        let who = level.patient == .new ? "new patient" : "established patient"
        switch level.code {
        case "99211": return "Office visit, \(who), minimal problem (may not need a physician)"
        default:
            return "Office visit, \(who), \(level.medicalDecisionMaking.name) MDM" + (level.basis == "time" ? " (by total time)" : "")
        }
    }

    func visitReason(_ level: VisitLevel) -> String {
        var parts = [
            "\(level.patient.rawValue) patient (\(level.patientBasis))",
            "MDM \(level.medicalDecisionMaking.name): problems \(level.problems.level.name), data \(level.data.level.name), risk \(level.risk.level.name)",
        ]
        if let minutes = level.minutes { parts.append("total time \(minutes) minutes") }
        parts.append(level.basis == "time" ? "level chosen by time" : "level chosen by MDM (2 of 3 elements)")
        return parts.joined(separator: "; ")
    }
}
