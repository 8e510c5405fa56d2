/// The assessment and plan of a dialogue note written by problem the way clinicians label them: under each
/// problem, its reasoning (`Medical Reasoning:`), then its plan items by kind (`Additional Testing:`,
/// `Medical Treatment:`, `Patient Education and Counseling:`), and the patient's agreement with the plan when
/// the patient states it after the plan is given.
extension NoteWriter {
    enum CareKind: String {
        case reasoning = "Medical Reasoning"
        case testing = "Additional Testing"
        case treatment = "Medical Treatment"
        case counseling = "Patient Education and Counseling"
    }

    static let testingWords: Set<String> = [
        "mri", "x-ray", "x-rays", "xray", "ct", "ultrasound", "echocardiogram", "echo", "ekg", "ecg", "lab", "labs",
        "bloodwork", "a1c", "cbc", "bmp", "cmp", "panel", "test", "tests", "testing", "biopsy", "culture",
        "urinalysis", "scan", "imaging", "colonoscopy", "endoscopy", "lipid", "level", "levels", "mammogram",
        "emg", "eeg", "holter", "monitor", "radiograph", "radiographs", "study", "studies", "swab", "screening",
    ]
    static let treatmentWords: Set<String> = [
        "prescribe", "prescribed", "prescription", "start", "continue", "increase", "decrease", "refill", "mg",
        "mcg", "medication", "medications", "medicine", "dose", "dosage", "injection", "therapy", "brace",
        "ice", "surgery", "inhaler", "cream", "ointment", "antibiotic", "antibiotics", "splint", "sling",
        "crutches", "boot", "stop", "discontinue", "taper", "daily", "twice", "tablet", "pill", "pills",
        "procedure", "repair", "replacement", "referral", "refer",
    ]
    static let counselingWords: Set<String> = [
        "discussed", "advised", "educated", "counseled", "counselled", "diet",
        "exercise", "avoid", "explained", "encouraged", "weight", "hydration", "hydrated", "lifestyle",
    ]

    /// The kind of a plan item, by the words it uses: testing first (`order an MRI`), then treatment, then
    /// counseling.
    static func careKind(of text: String) -> CareKind? {
        let words = Set(Phrasing.words(text).map(Phrasing.bare))
        if !words.isDisjoint(with: testingWords) || text.lowercased().containsText("blood work") { return .testing }
        if !words.isDisjoint(with: treatmentWords) || text.lowercased().containsText("physical therapy") {
            return .treatment
        }
        if !words.isDisjoint(with: counselingWords) { return .counseling }
        return nil
    }

    /// The ordered statements with care labels: the first sentence under each assessment problem is its
    /// reasoning; a plan item is labelled when its kind differs from the item before it under the same problem.
    func withCareLabels(_ statements: [NoteStatement], layout: NoteLayout) -> [NoteStatement] {
        var labelled = statements
        var previous: (section: NoteSection, subsection: String?, kind: CareKind?)?
        for index in labelled.indices {
            let statement = labelled[index]
            guard statement.section == .assessment || statement.section == .plan else { continue }
            let sameGroup = previous.map { $0.section == statement.section && $0.subsection == statement.subsection } ?? false
            guard statement.origin == .sentence, !Self.isLabelled(statement.text) else {
                previous = (statement.section, statement.subsection, nil)
                continue
            }
            let kind: CareKind?
            if statement.section == .assessment {
                // Reasoning is said of a problem: the assessment's own heading has none.
                let underProblem = statement.subsection != nil && statement.subsection != layout.defaults[.assessment]
                kind = underProblem && !sameGroup ? .reasoning : nil
            } else {
                kind = Self.careKind(of: statement.text)
            }
            if let kind, !sameGroup || previous?.kind != kind {
                labelled[index].text = kind.rawValue + ": " + statement.text
            }
            previous = (statement.section, statement.subsection, kind ?? (sameGroup ? previous?.kind : nil))
        }
        return labelled
    }

    /// Whether a statement opens with a label of its own (`Impression:`, `Shoulder: ...`).
    static func isLabelled(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        return text[..<colon].split(separator: " ").count <= 4
    }

    static let agreementWords: Set<String> = [
        "okay", "ok", "alright", "sure", "perfect", "great", "yes", "yeah", "understand", "agree",
    ]
    static let agreementPhrases = PhraseList([
        "all right", "sounds good", "sounds great", "sounds like a plan", "that works", "got it", "that's fine",
        "will do", "makes sense",
    ])

    /// The patient's agreement with the plan: a short patient sentence after the first plan item that agrees
    /// (`okay, sounds good`) and neither asks nor objects. Its statement closes the plan.
    func patientAgreement(_ statements: [NoteStatement], transcript: Transcript) -> NoteStatement? {
        guard transcript.kind == .dialogue,
            let planStart = statements.filter({ $0.section == .plan && $0.origin == .sentence })
                .compactMap({ $0.evidence.first?.lowerBound }).min()
        else { return nil }
        var agreement: Range<Int>?
        for sentence in transcript.sentences where sentence.range.lowerBound > planStart && sentence.speaker == .patient {
            // Twelve words are fewer than 100 bytes of text.
            guard sentence.text.utf8.count < 100 else { continue }
            let haystack = PhraseList.haystack(sentence.text)
            let words = SectionModel.tokens(lowercasedUTF8: haystack)
            guard words.count <= 12,
                words.contains(where: { Self.agreementWords.contains($0) }) || Self.agreementPhrases.any(in: haystack)
            else { continue }
            guard !words.contains(where: { $0 == "no" || $0 == "not" || $0 == "but" || $0.hasSuffix("n't") }),
                !sentence.text.contains("?")
            else { continue }
            agreement = sentence.range
        }
        guard let agreement else { return nil }
        let last = statements.last { $0.section == .plan }
        return NoteStatement(
            section: .plan, subsection: last?.subsection,
            text: "Patient Agreements: The patient understands and agrees with the recommended medical treatment plan.",
            evidence: [agreement], origin: .entities)
    }
}
