import Scribe
import Terminology

/// Allergy status: the note's ALLERGIES list (`Penicillin.`, `Sulfa drugs (rash).`) and a sentence saying the
/// patient is allergic to something (`since she is allergic to penicillin, use azithromycin`) give the allergy status
/// code of the allergen's class: Z88 for drugs (penicillins Z88.0, other antibiotics Z88.1, sulfonamides Z88.2,
/// anesthetics Z88.4, narcotics Z88.5, analgesics Z88.6), Z91.0 for latex, contrast dye, foods and stings. The
/// allergy limits what may be prescribed, so it is reported with the visit's problems, after them. A denied allergy
/// (`no known allergies`, `not allergic to penicillin`) gives nothing.
extension Coder {
    /// The allergen words of each status code (the words a clinician or patient names the allergen with).
    static let allergenClasses: [(code: String, words: Set<String>)] = [
        ("Z88.0", ["penicillin", "penicillins", "amoxicillin", "ampicillin", "augmentin", "dicloxacillin"]),
        ("Z88.2", ["sulfa", "sulfas", "sulfonamide", "sulfonamides", "bactrim", "sulfamethoxazole", "septra"]),
        (
            "Z88.1",
            [
                "cephalosporin", "cephalosporins", "keflex", "cephalexin", "ceftriaxone", "cefdinir", "erythromycin",
                "azithromycin", "zithromax", "clarithromycin", "doxycycline", "tetracycline", "tetracyclines",
                "ciprofloxacin", "cipro", "levofloxacin", "levaquin", "clindamycin", "vancomycin", "nitrofurantoin",
                "macrobid", "quinolone", "quinolones", "fluoroquinolones", "macrolides",
            ]
        ),
        ("Z88.4", ["lidocaine", "novocaine", "anesthesia", "anesthetic", "anesthetics"]),
        (
            "Z88.5",
            [
                "codeine", "morphine", "oxycodone", "hydrocodone", "opioid", "opioids", "opiate", "opiates",
                "narcotic", "narcotics", "tramadol", "percocet", "vicodin", "dilaudid", "hydromorphone",
            ]
        ),
        ("Z88.6", ["aspirin", "ibuprofen", "nsaid", "nsaids", "naproxen", "motrin", "advil", "aleve", "celecoxib"]),
        ("Z91.040", ["latex"]),
        ("Z91.041", ["contrast", "dye", "iodinated"]),
        ("Z91.010", ["peanut", "peanuts"]),
        ("Z91.013", ["shellfish", "shrimp", "seafood"]),
        ("Z91.012", ["egg", "eggs"]),
        ("Z91.030", ["bee", "bees", "wasp", "wasps", "hornet"]),
    ]

    /// Words that deny an allergy when they come before its allergen or the word `allergic`.
    static let allergyDenials: Set<String> = ["no", "not", "denies", "denied", "never", "none", "nkda", "without"]

    /// The allergy status codes the note states, each with the statement that says it, in the note's order.
    static func allergyStatus(in note: Note) -> [(code: String, statement: NoteStatement)] {
        var found: [(code: String, statement: NoteStatement)] = []
        for statement in note.statements {
            let listed = statement.subsection?.uppercased() == "ALLERGIES"
            // A list entry that denies allergies names none.
            if listed, Self.words(statement.text).contains(where: allergyDenials.contains) { continue }
            for clause in DiagnosisCoder.clauses(of: statement.text) {
                // A comma ends what `allergic to` names (`allergic to penicillin, use azithromycin`).
                let words = clause
                var named: [String] = []
                if listed {
                    named = words
                } else {
                    // `allergic to X`, `allergy to X` (X within the clause's next three words) and `X allergy`.
                    for (index, word) in words.enumerated() {
                        let denied = words[max(0, index - 3)..<index].contains(where: allergyDenials.contains)
                        if ["allergic", "allergy", "allergies"].contains(word), index + 1 < words.count,
                            words[index + 1] == "to", !denied
                        {
                            named += words[(index + 2)..<min(words.count, index + 5)].prefix { $0 != "," }
                        } else if ["allergy", "allergies"].contains(word), index > 0, words[index - 1] != ",", !denied {
                            named.append(words[index - 1])
                        }
                    }
                }
                for word in named {
                    for allergen in allergenClasses where allergen.words.contains(word) {
                        if !found.contains(where: { $0.code == allergen.code }) {
                            found.append((allergen.code, statement))
                        }
                    }
                }
            }
        }
        return found
    }

    /// Adds the note's allergy status codes the diagnoses do not already hold, after them.
    static func addAllergyStatus(from note: Note, to codes: inout BillingCodes) {
        for (code, statement) in allergyStatus(in: note)
        where !codes.icd10.contains(where: { $0.code == code }) {
            guard let entry = ICD10CM.shared.code(code) else { continue }
            codes.icd10.append(
                DiagnosisCode(
                    code: entry.code, description: entry.title, confidence: 0.7, rank: codes.icd10.count + 1,
                    reason: "allergy status stated: \"\(statement.text)\"",
                    evidence: [
                        CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
                    ],
                    traits: [.status]))
        }
    }
}
