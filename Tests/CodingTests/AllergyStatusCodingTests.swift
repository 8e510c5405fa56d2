import Testing

@testable import Coding
@testable import Scribe

/// Allergy status codes (Z88, Z91.0) from the note's ALLERGIES list and from a sentence saying the patient is
/// allergic to something. The lines are written for this project.
@Suite("Billing codes: allergy status")
struct AllergyStatusCodingTests {
    @Test("an allergy said in the plan gives its class's status code; what the comma starts is not the allergen")
    func allergyInPlan() {
        let note = assessmentNote(
            ["Strep throat."],
            plan: ["Since she is allergic to penicillin, use azithromycin 500 mg today, then 250 mg for 4 days."])
        let codes = Coder.shared.codes(for: note).icd10.map(\.code)
        #expect(codes.first == "J02.0", "\(codes)")
        #expect(codes.contains("Z88.0"), "\(codes)")
        #expect(!codes.contains("Z88.1"), "\(codes)")
    }

    @Test(
        "each allergen class has its code; a denied allergy gives none",
        arguments: [
            ("She has a sulfa allergy, so no Bactrim.", "Z88.2"),
            ("He is allergic to codeine, it makes him vomit.", "Z88.5"),
            ("Allergic to latex; use nitrile gloves.", "Z91.040"),
            ("He has a peanut allergy and carries an EpiPen.", "Z91.010"),
        ])
    func classes(sentence: String, code: String) {
        let codes = Coder.shared.codes(for: assessmentNote(["Acute sinusitis."], plan: [sentence])).icd10.map(\.code)
        #expect(codes.contains(code), "\(codes)")
    }

    @Test("a denied allergy gives no code")
    func denied() {
        let codes = Coder.shared.codes(
            for: assessmentNote(["Acute sinusitis."], plan: ["She is not allergic to penicillin, so amoxicillin."])
        ).icd10.map(\.code)
        #expect(!codes.contains { $0.hasPrefix("Z88") }, "\(codes)")
    }

    @Test("the ALLERGIES list of a dialogue note gives the status; no known allergies give none")
    func allergiesList() throws {
        let allergic = try dialogueICD10(
            """
            [doctor] hi , what brings you in today ?
            [patient] i've had a sore throat and fever for three days .
            [doctor] any allergies to medications ?
            [patient] yeah , penicillin . i get hives .
            [doctor] okay . on exam , your tonsils are swollen with exudate . the rapid strep test is positive .
            [doctor] so you have strep throat . we'll treat it with azithromycin for five days .
            """)
        #expect(allergic.contains("Z88.0"), "\(allergic)")
        let none = try dialogueICD10(
            """
            [doctor] hi , what brings you in today ?
            [patient] i've had a sore throat and fever for three days .
            [doctor] any allergies to medications ?
            [patient] no , none .
            [doctor] okay . on exam , your tonsils are swollen with exudate . the rapid strep test is positive .
            [doctor] so you have strep throat . we'll treat it with amoxicillin for ten days .
            """)
        #expect(!none.contains { $0.hasPrefix("Z88") }, "\(none)")
    }
}
