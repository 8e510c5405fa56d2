import Foundation
import Scribe
import Terminology

/// Suggests billing codes for a note: ICD-10-CM diagnoses from its assessment and plan, the office visit
/// level (CPT E/M) by medical decision making or time, procedures and services documented in the
/// transcript (CPT, HCPCS Level II, CDT for dental), each with its reason and evidence.
///
/// Pure and deterministic; loads the embedded code set once (`Coder.shared`).
public struct Coder: Sendable {
    /// The coder over the shared ICD-10-CM code set.
    public static let shared = Coder()

    let diagnoses: DiagnosisCoder

    /// Creates a coder over the shared code set and phrase index.
    public init() {
        diagnoses = DiagnosisCoder(codeSet: .shared, index: .shared)
    }

    /// What the coder needs to know beyond the note.
    public struct Request: Hashable, Sendable {
        /// New or established patient, when the caller knows (otherwise read from the transcript).
        public var patient: VisitLevel.Patient?
        /// The patient's medications from the caller's context (with those found in the transcript).
        public var medications: [String]
        /// The patient's age in years (preventive visit codes go by age).
        public var age: Int?
        /// The transcript the note was written from: total time and new-patient cues are read from it.
        public var transcript: String?

        /// Creates a request.
        public init(
            patient: VisitLevel.Patient? = nil, medications: [String] = [], age: Int? = nil, transcript: String? = nil
        ) {
            self.patient = patient
            self.medications = medications
            self.age = age
            self.transcript = transcript
        }
    }

    /// The codes for a note.
    public func codes(for note: Note, request: Request = Request()) -> BillingCodes {
        codes(for: note, request: request, read: nil)
    }

    /// The codes for a note whose transcript the caller has read already (the note writer's own reading of
    /// `request.transcript`): the same codes as ``codes(for:request:)``, without reading the transcript a second
    /// time. `transcript` is used only when it holds the very text of `request.transcript` (byte for byte) and the
    /// default limits accept it, as they would when the coder read it itself; otherwise the text is read again.
    public func codes(for note: Note, request: Request, transcript: Transcript) -> BillingCodes {
        codes(for: note, request: request, read: transcript)
    }

    private func codes(for note: Note, request: Request, read: Transcript?) -> BillingCodes {
        if note.specialty == .veterinary {
            return BillingCodes(notices: [
                "Veterinary notes get no billing codes here: ICD-10-CM, CPT and HCPCS describe human patients and services."
            ])
        }
        let medications =
            request.medications
            + note.entities.filter { $0.kind == .medication && !$0.negated && $0.context == nil }.map(\.name)
        let transcript = request.transcript.flatMap { text -> Transcript? in
            guard text.utf8.count <= 4 << 20 else { return nil }
            let limits = Transcript.Limits.default
            if let read, (limits.minimumCharacters...limits.maximumCharacters).contains(read.characterCount),
                read.text.utf8.elementsEqual(text.utf8)
            {
                return read
            }
            return try? Transcript(text)
        }
        let announced = transcript.map(Self.announcedAssessment(in:)) ?? []
        let spoken = note.transcriptKind == .dialogue ? transcript.map(Self.spokenAssessment(in:)) ?? [] : []
        let age = request.age ?? transcript.flatMap { Self.statedAge(in: $0.text) }
        let visit =
            transcript.map { transcript in
                transcript.sentences.indices.filter { Self.isStated(at: $0, in: transcript.sentences) }.map {
                    let sentence = transcript.sentences[$0]
                    return NoteStatement(section: .subjective, text: sentence.text, evidence: [sentence.range])
                }
            } ?? note.statements.filter { $0.section == .subjective }
        let statedReasons = transcript.map { Self.statedVisitReasons(in: $0, diagnoses: diagnoses) } ?? []
        let icd10 = diagnoses.codes(
            for: note, medications: medications, announced: announced, spoken: spoken, visit: visit,
            statedReasons: statedReasons,
            smoking: transcript.flatMap(Self.smokingStatus(in:)),
            secondhandSmoke: transcript.flatMap(Self.secondhandSmoke(in:)), childAge: age.map { $0 < 18 } ?? false)
        var codes = BillingCodes(icd10: icd10)
        ServiceCoder(note: note, diagnoses: icd10, request: request).add(to: &codes)
        // A vaccine given at the visit: the encounter for immunization (Z23), after the visit's reason.
        if let administration = codes.cpt.first(where: { ["90471", "90460"].contains($0.code) }),
            !codes.icd10.contains(where: { $0.code == "Z23" }), let vaccination = ICD10CM.shared.code("Z23")
        {
            codes.icd10.append(
                DiagnosisCode(
                    code: vaccination.code, description: vaccination.title, confidence: 0.75,
                    rank: codes.icd10.count + 1,
                    reason: "encounter for immunization: \(administration.reason)", evidence: administration.evidence,
                    traits: [.status]))
        }
        // A vaccine the clinician gives today in words the product table does not name (`his hepatitis a shot
        // today`, `the nurse will be in with her shots`).
        if !codes.icd10.contains(where: { $0.code == "Z23" }),
            let given = Self.vaccinationGiven(in: spoken + note.statements.filter { $0.section == .plan }),
            let vaccination = ICD10CM.shared.code("Z23")
        {
            codes.icd10.append(
                DiagnosisCode(
                    code: vaccination.code, description: vaccination.title, confidence: 0.7,
                    rank: codes.icd10.count + 1, reason: "encounter for immunization: a vaccine given at the visit",
                    evidence: [CodeEvidence(section: given.section, statement: given.text, ranges: given.evidence)],
                    traits: [.status]))
        }
        Self.addAllergyStatus(from: note, to: &codes)
        return codes
    }
}

extension Coder {
    /// Words that put a vaccine at this visit (`today`, `the nurse will give`, `before you leave`).
    static let givenToday: Set<String> = ["today", "nurse", "leave", "gave", "given", "administered"]
    /// Words that make a vaccine another visit's, another place's, or declined.
    static let notGivenHere: Set<String> = [
        "not", "no", "declined", "declines", "refused", "next", "pharmacy", "later", "already", "wait", "if",
        "didn't", "don't", "won't", "last", "ago", "defer", "deferred",
    ]

    /// The first statement that gives a vaccine at the visit: a vaccination word with a word that puts it today,
    /// none that puts it elsewhere or declines it; questions aside.
    static func vaccinationGiven(in statements: [NoteStatement]) -> NoteStatement? {
        statements.first { statement in
            guard !endsWithQuestionMark(statement.text) else { return false }
            let said = words(statement.text)
            return said.contains(where: DiagnosisCoder.vaccinationWords.contains) && said.contains(where: givenToday.contains)
                && !said.contains(where: notGivenHere.contains)
        }
    }
}

extension Coder {
    /// The clinician's sentences that a spoken `assessment` or `impression` announces, up to the plan (at most
    /// twelve), as assessment statements: the diagnoses said in so many words.
    static func announcedAssessment(in transcript: Transcript) -> [NoteStatement] {
        guard Self.mentionsAssessment(transcript.text) else { return [] }
        var statements: [NoteStatement] = []
        var collecting = false
        for sentence in transcript.sentences {
            guard sentence.speaker == .clinician || sentence.speaker == .narrator else {
                if collecting && statements.count > 0 { collecting = false }
                continue
            }
            let words = SearchTerms.words(sentence.text).prefix(6)
            if !collecting,
                words.prefix(4).contains(where: { ["assessment", "impression", "diagnosis", "diagnoses"].contains($0) })
            {
                collecting = true
            }
            guard collecting else { continue }
            if words.first == "plan" || words.prefix(3).contains("plan") && !words.prefix(3).contains("assessment") {
                collecting = false
                continue
            }
            statements.append(NoteStatement(section: .assessment, text: sentence.text, evidence: [sentence.range]))
            if statements.count >= 12 { break }
        }
        return statements
    }

    /// The clinician's sentences of a dialogue from the examination on (the findings, the results, what it is and
    /// what to do), questions aside, at most sixty: a dialogue's diagnoses are said there in plain words (`so you
    /// have mixed hyperlipidemia`), also where the note condenses or leaves out the sentence. Only the
    /// diagnoses they state are coded from them, not the signs and symptoms talked over.
    static func spokenAssessment(in transcript: Transcript) -> [NoteStatement] {
        var statements: [NoteStatement] = []
        var phase = NoteWriter.VisitPhase.history
        for sentence in transcript.sentences where sentence.speaker == .clinician || sentence.speaker == .narrator {
            // Once past the history the phase never returns to it: only the question mark is read then.
            if phase == .history {
                let haystack = PhraseList.haystack(Phrasing.cleanWords(sentence.text).joined(separator: " "))
                phase = Phrasing.phase(after: haystack, current: phase)
            }
            guard phase != .history || Self.concludes(sentence.text), !Self.endsWithQuestionMark(sentence.text) else {
                continue
            }
            statements.append(NoteStatement(section: .assessment, text: sentence.text, evidence: [sentence.range]))
            if statements.count >= 60 { break }
        }
        guard statements.isEmpty else { return statements }
        // A visit whose examination is never announced (`lungs are clear today`, `the ekg shows ...`, straight to
        // `so this is strep throat`): the clinician's statements of the visit's second half, where a recorded visit
        // gives its findings and what they make of them, the history being asked first.
        let sentences = transcript.sentences
        for sentence in sentences[(sentences.count / 2)...]
        where (sentence.speaker == .clinician || sentence.speaker == .narrator)
            && !Self.endsWithQuestionMark(sentence.text)
        {
            statements.append(NoteStatement(section: .assessment, text: sentence.text, evidence: [sentence.range]))
            if statements.count >= 60 { break }
        }
        return statements
    }

    /// Whether a clinician's sentence draws a diagnosis from what was found (`so that means he has iron deficiency
    /// anemia`, `which means you have prediabetes`): said while the results are gone over, before any examination,
    /// it is the clinician's diagnosis as much as one said after it.
    static func concludes(_ text: String) -> Bool {
        let words = Self.words(text)
        return words.indices.dropLast(2).contains { position in
            words[position] == "means" && ["you", "he", "she"].contains(words[position + 1])
                && ["have", "has"].contains(words[position + 2])
        }
    }

    /// How many of a transcript's opening sentences are searched for the visit's reason.
    static let openingSentences = 12

    /// The transcript's opening sentences that say what the visit is for (`just here for his yearly checkup and his
    /// flu shot`), whoever says them, as statements of the history; questions aside, unless the answer confirms
    /// them. A sentence that names the examination the visit is (`so this is your postpartum checkup`, `this is
    /// his nine month well visit , right ?` / `yes`) says it too, without `here for`.
    static func statedVisitReasons(in transcript: Transcript, diagnoses: DiagnosisCoder) -> [NoteStatement] {
        let opening = transcript.sentences.prefix(openingSentences)
        return opening.indices.compactMap { index in
            let sentence = transcript.sentences[index]
            let statement = NoteStatement(section: .subjective, text: sentence.text, evidence: [sentence.range])
            if !endsWithQuestionMark(sentence.text) && DiagnosisCoder.statesVisitReason(statement) { return statement }
            return isStated(at: index, in: transcript.sentences) && diagnoses.namesVisitExamination(statement)
                ? statement : nil
        }.prefix(2).map { $0 }
    }

    /// Words a patient confirms what they were asked with (as `words(_:)` reads them: `uh-huh` is two words there).
    static let affirmations: Set<String> = [
        "yes", "yeah", "yep", "yup", "right", "correct", "exactly", "mhm",
    ]

    /// Whether a sentence states something: it is no question, or it is the clinician's question that the patient's
    /// next sentence confirms (`and your dad had colon cancer , right ?` / `yes`).
    static func isStated(at index: Int, in sentences: [Transcript.Sentence]) -> Bool {
        guard endsWithQuestionMark(sentences[index].text) else { return true }
        guard sentences[index].speaker == .clinician, index + 1 < sentences.count,
            sentences[index + 1].speaker == .patient,
            let first = Self.words(sentences[index + 1].text).first
        else { return false }
        return affirmations.contains(first)
    }

    /// Whether the last character that is not a space or a closing quote or bracket is `?`.
    static func endsWithQuestionMark(_ text: String) -> Bool {
        for byte in text.utf8.reversed() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")"), UInt8(ascii: "]"):
                continue
            default: return byte == UInt8(ascii: "?")
            }
        }
        return false
    }

    /// The first age a transcript states (`4 year old`, `58-year-old`, `18 month old`: 1), in whole years.
    static func statedAge(in text: String) -> Int? {
        // The age is stated in the opening turns; only the few words before each `old` are read.
        let opening = Array(text.utf8.prefix(4_000))
        let old = Array("old".utf8)
        var position = 0
        while position + 3 <= opening.count {
            guard opening[position] | 0x20 == old[0], opening[position + 1] | 0x20 == old[1],
                opening[position + 2] | 0x20 == old[2],
                position == 0 || !ByteSearch.isWordByte(opening[position - 1]),
                position + 3 == opening.count || !ByteSearch.isWordByte(opening[position + 3])
            else {
                position += 1
                continue
            }
            let before = String(decoding: opening[max(0, position - 40)..<position], as: UTF8.self)
            position += 3
            let words = SearchTerms.words(before)
            guard words.count >= 2,
                let count = Int(words[words.count - 2]) ?? SpokenNumber.units[words[words.count - 2]]
            else { continue }
            switch words[words.count - 1] {
            case "year", "years", "yr", "yo": return count
            case "month", "months": return count / 12
            case "week", "weeks", "day", "days": return 0
            default: continue
            }
        }
        return nil
    }

    /// Whether a text says `assessment`, `impression` or `diagnos...` (any case): only then is it parsed.
    static func mentionsAssessment(_ text: String) -> Bool {
        ["assessment", "impression", "diagnos"].contains { ByteSearch.contains(text, $0) }
    }

    /// The codes for an assessment (and plan) written by a clinician: each line, and each numbered item
    /// (`1.`, `2)`), is a statement of the assessment; the evidence ranges are Unicode-scalar offsets in `text`.
    public func codes(forAssessment text: String, specialty: Specialty = .generic, request: Request = Request())
        -> BillingCodes
    {
        var statements: [NoteStatement] = []
        var start = 0
        var current = ""
        var offset = 0
        func flush(_ end: Int) {
            let trimmed = current.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty {
                statements.append(NoteStatement(section: .assessment, text: trimmed, evidence: [start..<end]))
            }
            current = ""
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            // A numbered item starts a statement: a digit after a line start or a space, then `.` or `)` and a space.
            let isItemStart =
                scalar.properties.numericType != nil
                && (index == 0 || scalars[index - 1] == " " || scalars[index - 1] == "\n")
                && index + 2 < scalars.count && (scalars[index + 1] == "." || scalars[index + 1] == ")")
                && scalars[index + 2] == " "
                && (index == 0 || scalars[index - 1] == "\n" || index >= 2 && [".", ";"].contains(scalars[index - 2]))
            if scalar == "\n" || isItemStart {
                flush(offset)
                start = offset + (scalar == "\n" ? 1 : 0)
                if scalar == "\n" {
                    offset += 1
                    index += 1
                    continue
                }
                // Skip the item number.
                offset += 2
                index += 2
                start = offset
                continue
            }
            current.unicodeScalars.append(scalar)
            offset += 1
            index += 1
        }
        flush(offset)
        let note = Note(
            specialty: specialty, template: .standard, transcriptKind: .dictation, statements: statements, entities: [])
        var request = request
        if request.transcript == nil { request.transcript = text }
        return codes(for: note, request: request)
    }
}
