/// How a specialty labels the parts of each section: an ordered list of sub-sections per section, each with
/// the words that put a statement under it; a statement that matches none goes under the section's default.
struct NoteLayout: Sendable {
    struct Subsection: Sendable {
        var label: String
        var cues: PhraseList
    }

    /// Per section: the sub-sections tried in order, and the label of everything else.
    var subsections: [NoteSection: [Subsection]]
    var defaults: [NoteSection: String]
    /// Labels in display order per section (entity-derived ones included).
    var order: [NoteSection: [String]]
    /// What the patient's own words are attributed to: `the patient` or, for an animal, `the owner`.
    var reporter: String

    /// The label of a statement written into `section`.
    func label(for text: String, in section: NoteSection) -> String {
        let haystack = PhraseList.haystack(text)
        for subsection in subsections[section] ?? [] where subsection.cues.any(in: haystack) {
            return subsection.label
        }
        return defaults[section] ?? section.rawValue.uppercased()
    }

    static let medicalOrder: [NoteSection: [String]] = [
        .subjective: ["CHIEF COMPLAINT", "HISTORY OF PRESENT ILLNESS", "REVIEW OF SYSTEMS", "MEDICATIONS", "ALLERGIES"],
        .objective: ["VITALS", "PHYSICAL EXAMINATION", "RESULTS"],
        .assessment: ["ASSESSMENT"],
        .plan: ["PLAN"],
    ]
    static let results = Subsection(
        label: "RESULTS",
        cues: PhraseList([
            "x-ray", "xray", "mri", "ct scan", "cat scan", "ultrasound", "labs", "lab work", "blood work", "bloodwork",
            "results", "ekg", "ecg", "echocardiogram", "a1c", "hemoglobin", "creatinine", "radiograph", "biopsy",
        ]))

    /// The layout for a specialty.
    static func layout(for specialty: Specialty) -> NoteLayout {
        var layout = NoteLayout(
            subsections: [.objective: [results]],
            defaults: [
                .subjective: "HISTORY OF PRESENT ILLNESS", .objective: "PHYSICAL EXAMINATION", .assessment: "ASSESSMENT",
                .plan: "PLAN",
            ],
            order: medicalOrder, reporter: "the patient")
        func set(_ section: NoteSection, default label: String, _ subsections: [(String, [String])], order: [String]) {
            layout.defaults[section] = label
            layout.subsections[section] = subsections.map { Subsection(label: $0.0, cues: PhraseList($0.1)) }
            layout.order[section] = order
        }
        switch specialty {
        case .psychiatrist, .psychotherapist, .socialWorker:
            if specialty != .psychiatrist { layout.reporter = "the client" }
            set(
                .objective, default: "MENTAL STATUS EXAMINATION", [],
                order: ["VITALS", "MENTAL STATUS EXAMINATION", "RESULTS"])
            set(
                .assessment, default: "ASSESSMENT", [("RISK ASSESSMENT", riskCues)],
                order: ["ASSESSMENT", "RISK ASSESSMENT"])
        case .physicalTherapy, .occupationalTherapy, .athleticTrainer, .exerciseTherapy, .chiropractor, .massageTherapy:
            set(
                .objective, default: "EXAMINATION",
                [
                    ("RANGE OF MOTION", ["range of motion", "rom", "degrees", "flexion", "extension", "abduction", "rotation"]),
                    ("STRENGTH", ["strength", "/5", "out of 5", "manual muscle", "grip"]),
                    ("FUNCTION", ["stairs", "gait", "walk", "transfer", "balance", "function", "dressing", "lifting", "squat"]),
                ], order: ["VITALS", "RANGE OF MOTION", "STRENGTH", "FUNCTION", "EXAMINATION", "RESULTS"])
            set(
                .plan, default: "PLAN",
                [("GOALS", ["goal", "goals", "able to", "return to", "by the end"])], order: ["GOALS", "PLAN"])
        case .dentist:
            set(
                .objective, default: "ORAL EXAMINATION",
                [("RADIOGRAPHS", ["radiograph", "x-ray", "xray", "bitewing", "periapical", "panoramic", "film"])],
                order: ["VITALS", "ORAL EXAMINATION", "RADIOGRAPHS"])
        case .veterinary:
            layout.reporter = "the owner"
            layout.order[.subjective] = ["SIGNALMENT", "HISTORY", "REVIEW OF SYSTEMS", "MEDICATIONS", "ALLERGIES"]
            layout.defaults[.subjective] = "HISTORY"
        case .ems, .paramedic:
            layout.order[.subjective] = ["CHIEF COMPLAINT", "HISTORY", "REVIEW OF SYSTEMS", "MEDICATIONS", "ALLERGIES"]
            layout.defaults[.subjective] = "HISTORY"
            set(.plan, default: "TREATMENT AND TRANSPORT", [], order: ["TREATMENT AND TRANSPORT"])
        case .dietitianNutritionist:
            layout.order[.objective] = ["VITALS", "ANTHROPOMETRICS", "PHYSICAL EXAMINATION", "RESULTS"]
            set(.assessment, default: "NUTRITION DIAGNOSIS", [], order: ["NUTRITION DIAGNOSIS"])
            set(.plan, default: "INTERVENTION", [("MONITORING", ["monitor", "follow up", "recheck", "weigh"])],
                order: ["INTERVENTION", "MONITORING"])
        case .slp:
            set(.objective, default: "SPEECH, LANGUAGE AND SWALLOWING", [], order: ["VITALS", "SPEECH, LANGUAGE AND SWALLOWING"])
        case .pharmacy:
            set(.assessment, default: "MEDICATION REVIEW", [], order: ["MEDICATION REVIEW"])
        case .acupuncture:
            set(
                .objective, default: "EXAMINATION", [("TONGUE AND PULSE", ["tongue", "pulse"])],
                order: ["VITALS", "TONGUE AND PULSE", "EXAMINATION"])
            set(.plan, default: "TREATMENT", [], order: ["TREATMENT"])
        case .geneticCounselling:
            layout.order[.subjective] = ["CHIEF COMPLAINT", "HISTORY OF PRESENT ILLNESS", "FAMILY HISTORY", "MEDICATIONS", "ALLERGIES"]
            layout.subsections[.subjective] = [
                Subsection(label: "FAMILY HISTORY", cues: PhraseList(["mother", "father", "sister", "brother", "family", "grand", "aunt", "uncle"]))
            ]
            set(.assessment, default: "RISK ASSESSMENT", [], order: ["RISK ASSESSMENT"])
            set(.plan, default: "TESTING AND PLAN", [], order: ["TESTING AND PLAN"])
        case .podiatrist:
            layout.defaults[.objective] = "LOWER EXTREMITY EXAMINATION"
            layout.order[.objective] = ["VITALS", "LOWER EXTREMITY EXAMINATION", "RESULTS"]
        case .aromaTherapy:
            set(.plan, default: "TREATMENT", [], order: ["TREATMENT"])
        case .registeredNurse, .nursePractitioner, .physician, .generic:
            break
        }
        // A new medication the patient is allergic to leads the plan.
        layout.order[.plan] = ["ALLERGY ALERT"] + (layout.order[.plan] ?? [])
        return layout
    }

    static let riskCues = [
        "suicid", "self-harm", "self harm", "hurting yourself", "hurting myself", "hurt yourself", "hurt myself",
        "homicid", "safety", "kill", "end your life", "end my life", "weapons", "firearm",
    ]

    /// Clinician observations that make up a mental status examination.
    static let mentalStatusCues = PhraseList([
        "groomed", "eye contact", "affect", "thought process", "thought content", "insight", "judgment", "judgement",
        "psychomotor", "oriented", "hallucinat", "delusion", "speech is", "your speech", "mood is", "your mood",
        "goal directed", "goal-directed", "linear", "tangential", "cooperative", "appearance",
    ])
}
