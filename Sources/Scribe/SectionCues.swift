/// Phrases that mark a sentence as examination and results, or as assessment and plan, in any clinical
/// note; they add to the section model's evidence where the training notes are thin.
enum SectionCues {
    static let cueWeight = 4.0

    static let objective = PhraseList([
        "exam", "examination", "vital", "blood pressure", "pulse", "heart rate", "respiratory rate", "temperature",
        "afebrile", "saturation", "auscultation", "tender", "nontender", "non-tender", "palpable", "palpation",
        "no masses", "intact", "clear", "normal", "murmur", "rales", "wheez", "edema", "reflexes", "range of motion",
        "lab", "hemoglobin", "white blood", "white count", "creatinine", "potassium", "sodium", "glucose",
        "x-ray", "ultrasound", "ct ", "mri", "ekg", "ecg", "showed", "revealed", "demonstrated", "unremarkable",
        "heent", "pupils", "extremities", "abdomen is", "lungs", "heart is", "skin is", "neck is", "alert and oriented",
        "well-developed", "well developed", "no acute distress", "weight", "height", "bmi", "mmhg", "mg/dl", "bpm",
        "supple", "lymphadenopathy", "jvd", "bowel sounds", "soft", "distended", "cyanosis", "clubbing", "rhythm",
        "s1", "s2", "cranial nerves", "motor", "sensory", "sensation", "deep tendon", "gait", "strength",
        "oriented", "rash", "lesion", "erythema", "swelling", "effusion", "crepitus", "cbc", "bmp", "radiograph",
        "scan", "echocardiogram", "biopsy", "pathology", "urinalysis", "culture", "spo2", "o2 sat", "inspection",
    ])

    static let assessmentPlan = PhraseList([
        "impression", "diagnos", "assessment", "plan", "recommend", "will ", "follow up", "follow-up", "followup",
        "return", "prescri", "discussed", "risks and benefits", "refer", "schedule", "continue", "discharge",
        "consistent with", "likely", "suspect", "rule out", "differential", "instructed", "advised", "we'll",
        "start him", "start her", "started on", "given", "questions were answered", "agree", "counsel",
    ])

    /// What the patient reports: a symptom's severity as rated, what makes it worse or better, and how it
    /// responds to what was tried are history even when a dictation states them beside the examination.
    static let subjective = PhraseList([
        "pain rated", "rates the pain", "rates her pain", "rates his pain", "rated as", "worse with", "worse when",
        "worse at", "worsened by", "better with", "better when", "improves with", "improved with", "relieved by",
        "provides relief", "provides moderate relief", "provides some relief", "provides mild relief", "relief with",
        "complains of", "complaining of", "reports", "states that", "presenting with", "presents with",
    ])

    /// Log-score bonuses for (subjective, objective, assessment and plan) from the cue phrases present.
    static func bonus(_ haystack: [UInt8]) -> [Double] {
        let subjectiveHits = subjective.count(in: haystack, limit: 2)
        let objectiveHits = objective.count(in: haystack, limit: 3)
        let planHits = assessmentPlan.count(in: haystack, limit: 3)
        return [
            Double(subjectiveHits) * cueWeight, Double(min(objectiveHits, 3)) * cueWeight,
            Double(min(planHits, 3)) * cueWeight,
        ]
    }
}
