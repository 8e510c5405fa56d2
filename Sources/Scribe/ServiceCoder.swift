import Foundation
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

    init(note: Note, diagnoses: [DiagnosisCode], request: Coder.Request) {
        self.note = note
        self.diagnoses = diagnoses
        self.request = request
        texts = note.statements.map { $0.text.lowercased() }
        var sentences: [(String, Range<Int>)] = []
        if let transcript = request.transcript {
            var start = 0
            var current = ""
            var offset = 0
            for scalar in transcript.unicodeScalars {
                current.unicodeScalars.append(scalar)
                offset += 1
                if scalar == "." || scalar == "?" || scalar == "!" || scalar == "\n" {
                    sentences.append((current.lowercased(), start..<offset))
                    current = ""
                    start = offset
                }
            }
            if !current.isEmpty { sentences.append((current.lowercased(), start..<offset)) }
        }
        self.sentences = sentences
    }

    func evidence(_ index: Int) -> CodeEvidence {
        let statement = note.statements[index]
        return CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
    }

    /// Statements that say one of the phrases (whole words), with the phrase found.
    func statements(saying phrases: [String], sections: Set<NoteSection> = Set(NoteSection.allCases)) -> [(Int, String)] {
        var found: [(Int, String)] = []
        for (index, text) in texts.enumerated() where sections.contains(note.statements[index].section) {
            if let phrase = phrases.first(where: { Self.contains(text, $0) }) { found.append((index, phrase)) }
        }
        return found
    }

    /// Whether `text` has `phrase` at word boundaries.
    static func contains(_ text: String, _ phrase: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: phrase, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? " " : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? " " : text[range.upperBound]
            let phraseEndsInWord = phrase.last.map { $0.isLetter || $0.isNumber } ?? false
            if !(before.isLetter || before.isNumber) && (!phraseEndsInWord || !(after.isLetter || after.isNumber)) {
                return true
            }
            searchStart = range.upperBound
        }
        return false
    }

    /// Whether a statement says the thing was done at this visit, not only planned.
    func performed(_ index: Int) -> Bool {
        let text = texts[index]
        let done = ServiceTables.performedCues.contains { Self.contains(text, $0) }
        let planned = ServiceTables.plannedCues.contains { text.contains($0) }
        if done { return true }
        return !planned && note.statements[index].section == .objective
    }

    func add(to codes: inout BillingCodes) {
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
        var hcpcs = drugs()
        if note.specialty == .psychiatrist { services.append(contentsOf: psychotherapy(withVisit: true)) }
        var visit = visitLevel()
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
                ServiceTables.procedures.contains { $0.code == service.code && $0.separateProcedure }
                    || ServiceTables.vaccines.contains { $0.code == service.code } || service.code.hasPrefix("9047")
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
                let base = level.patient == .new ? 60 : 40
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
        for index in cpt.indices { cpt[index].rank = index + 1 }
        for index in hcpcs.indices { hcpcs[index].rank = index + 1 }
        codes.cpt = cpt
        codes.hcpcs = hcpcs
    }

    func visitEvidence() -> [CodeEvidence] {
        note.statements.indices.filter { [.assessment, .plan].contains(note.statements[$0].section) }.prefix(3).map(evidence)
    }

    /// A procedure visit bills the E/M only when something beyond the procedure was evaluated.
    func shouldBillVisit(_ level: VisitLevel, procedures: [ServiceCode], preventive: Bool) -> Bool {
        let separate = procedures.filter { service in
            ServiceTables.procedures.contains { $0.code == service.code && $0.separateProcedure }
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
