import Testing

@testable import Coding
@testable import Scribe

/// A phrase that names an unspecified code said with the words of a sibling, a hormonal contraceptive taken in a
/// visit about something else, people in general, and a condition stated both with and without intractability.
/// The visits are written for this project.
@Suite("Billing codes: siblings named in the clause, hormonal contraceptives, people in general, intractability")
struct SiblingAndHormoneCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("an acute sinus infection in the maxillary sinuses is acute maxillary sinusitis; a side alone moves nothing")
    func siblings() {
        let sinus = icd10(["Acute sinus infection in the maxillary sinuses, 11 days, worsening after improvement."])
        #expect(sinus.contains("J01.00"), "\(sinus)")
        #expect(!sinus.contains("J01.90"), "\(sinus)")
        // `right` is a side, and `knee` belongs to the other condition of the clause.
        let sided = icd10(["Primary osteoarthritis of the right knee, and arthritis elsewhere, mild."])
        #expect(sided.contains("M17.11"), "\(sided)")
        #expect(!sided.contains { $0.hasPrefix("M19.0") }, "\(sided)")
    }

    @Test("the pill taken in a visit about headaches is Z79.3; a prescription started is Z30.011")
    func hormonalContraceptives() {
        let taken = icd10(
            ["Migraine without aura, not intractable, without status migrainosus.", "Birth control."],
            plan: ["The pill is safe with migraine without aura."])
        #expect(taken.contains("Z79.3"), "\(taken)")
        #expect(!taken.contains("Z30.9"), "\(taken)")
        let started = icd10(
            ["Contraception counseling."], plan: ["Prescribe norethindrone, one pill every day, no break."])
        #expect(started.contains("Z30.011"), "\(started)")
    }

    @Test("in a visit about birth control, the pill by its generic name or as `the pill` is started or refilled")
    func pillInBirthControlVisit() throws {
        let started = try dialogueICD10(
            """
            [patient] i want to start birth control . condoms are not reliable enough for me .
            [doctor] okay . any migraines with aura , any blood clots ?
            [patient] no .
            [doctor] then i'll start you on a low dose pill , norgestimate and ethinyl estradiol , one tablet daily .
            """)
        #expect(started.contains("Z30.011"), "\(started)")
        #expect(!started.contains("Z79.3"), "\(started)")
        let refilled = try dialogueICD10(
            """
            [doctor] you also wanted to talk about your birth control .
            [patient] yes , i need a refill . i've been on it four years .
            [doctor] your blood pressure is great and you don't smoke , so you can keep going on the same pill . \
            i'll send a year of refills .
            """)
        #expect(refilled.contains("Z30.41"), "\(refilled)")
        #expect(!refilled.contains("Z30.011"), "\(refilled)")
    }

    @Test("a condition said of people in general is not the patient's")
    func peopleInGeneral() {
        let codes = icd10([
            "Migraine without aura, not intractable.",
            "In women who have migraine with aura, estrogen pills raise the stroke risk.",
        ])
        #expect(codes.contains("G43.009"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("G43.1") }, "\(codes)")
    }

    @Test("a condition stated intractable is not also coded with the default, not intractable")
    func intractability() {
        let codes = icd10([
            "Migraine with aura, intractable, without status migrainosus.",
            "Long-term use of a combined hormonal contraceptive in a patient with migraine with aura.",
        ])
        #expect(codes.contains("G43.119"), "\(codes)")
        #expect(!codes.contains("G43.109"), "\(codes)")
    }

    /// A dictation through the note writer, coded with its transcript.
    func dictated(_ text: String) throws -> [String] { try dialogueICD10(text) }

    @Test("the visit's reason from a labelled chief complaint, a title line, or `presenting for`")
    func visitReasons() throws {
        let labelled = try dictated(
            "CHIEF COMPLAINT: Annual physical. HISTORY OF PRESENT ILLNESS: The patient is a 47-year-old woman here for her routine annual examination. She has no acute complaints. ASSESSMENT AND PLAN: Healthy adult. Influenza vaccine given today."
        )
        #expect(labelled.contains("Z00.00"), "\(labelled)")
        let title = try dictated(
            "WELL-CHILD CHECK, 4 YEARS. Jonah is a 4-year-old boy brought by his mother for his routine visit. No concerns today. ASSESSMENT: Healthy 4-year-old. Vaccines given."
        )
        #expect(title.contains("Z00.129"), "\(title)")
        let presenting = try dictated(
            "The patient is a 58-year-old woman presenting for her annual preventive visit. She feels well. ASSESSMENT AND PLAN: Healthy adult. Tdap given."
        )
        #expect(presenting.contains("Z00.00"), "\(presenting)")
    }
}
