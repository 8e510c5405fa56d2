/// The body systems of a review of systems, in the order notes list them, and the symptoms (by the canonical
/// problem names of `ClinicalLexicon.problems`) each holds. A symptom outside the table is listed after them.
enum ReviewOfSystems {
    static let systems: [(name: String, symptoms: Set<String>)] = [
        ("Constitutional", [
            "fever", "chills", "fatigue", "weight loss", "weight gain", "night sweats", "sweating", "loss of appetite",
            "lethargy", "weakness", "dehydration",
        ]),
        ("Eyes", ["blurred vision", "double vision", "conjunctivitis"]),
        ("Ears, nose, mouth and throat", [
            "ear pain", "hearing loss", "congestion", "sore throat", "nosebleed", "dry mouth", "sinusitis", "dental pain",
        ]),
        ("Cardiovascular", ["chest pain", "palpitations", "tachycardia", "fainting"]),
        ("Respiratory", ["shortness of breath", "cough", "wheezing"]),
        ("Gastrointestinal", [
            "abdominal pain", "nausea", "vomiting", "diarrhea", "constipation", "acid reflux", "bloating",
            "rectal bleeding", "indigestion",
        ]),
        ("Genitourinary", ["burning with urination", "hematuria", "polyuria", "incontinence"]),
        ("Musculoskeletal", [
            "joint pain", "muscle pain", "back pain", "neck pain", "knee pain", "hip pain", "shoulder pain", "ankle pain",
            "leg pain", "cramping",
        ]),
        ("Skin", ["rash", "itching", "hives", "bruising", "lesion", "hair loss"]),
        ("Neurological", [
            "headache", "dizziness", "numbness", "tingling", "tremor", "seizure", "confusion", "memory loss",
        ]),
        ("Psychiatric", ["depression", "anxiety", "insomnia", "suicidal ideation", "homicidal ideation"]),
        ("Hematologic", ["bleeding"]),
    ]

    /// The system a symptom is reviewed under, if the table has it.
    static func system(of symptom: String) -> String? {
        systems.first { $0.symptoms.contains(symptom) }?.name
    }
}
