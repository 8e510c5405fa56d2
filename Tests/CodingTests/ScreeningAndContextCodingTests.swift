import Testing

@testable import Coding
@testable import Scribe

/// Screening tests named by what they test for, a disease the patient was only checked for, `with` said beside a
/// condition whose title has a `with` complication, and the metal a contact dermatitis is due to. The lines are
/// written for this project.
@Suite("Billing codes: screening tests, checked-for diseases, a bare `with`, contact dermatitis due to nickel")
struct ScreeningAndContextCodingTests {
    func icd10(_ lines: [String], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, plan: plan)).icd10.map(\.code)
    }

    @Test("HPV co-testing with the pap is Z11.51; swabs for chlamydia and gonorrhea are Z11.3")
    func screeningTests() {
        let cotest = icd10(["Cervical cancer screening."], plan: ["Pap smear with HPV co-testing collected today."])
        #expect(cotest.contains("Z11.51"), "\(cotest)")
        let swabs = icd10(
            ["Contraception management, IUD insertion."],
            plan: ["Screen for chlamydia and gonorrhea today; she has a new partner and no symptoms."])
        #expect(swabs.contains("Z11.3"), "\(swabs)")
        #expect(!swabs.contains { $0.hasPrefix("A54") || $0.hasPrefix("A56") }, "\(swabs)")
        // A test said not to be done screens for nothing.
        let declined = icd10(["Cervical cancer screening."], plan: ["At her age we do not add the HPV test."])
        #expect(!declined.contains("Z11.51"), "\(declined)")
    }

    @Test("a disease the patient has not been checked for in years is not coded")
    func checkedFor() throws {
        let codes = try dialogueICD10(
            """
            [doctor] so james is a 52-year-old male with high blood pressure who is here for a blood pressure check .
            [patient] i take the lisinopril every morning .
            [doctor] okay . on exam , your blood pressure is 128 over 80 . your heart sounds normal .
            [doctor] so for your high blood pressure , it's well controlled , continue the lisinopril 20 milligrams .
            [doctor] and you haven't been checked for diabetes in about four years , and with your weight , you're \
            at higher risk , so we'll add an a1c to your labs today as a screening test .
            """)
        #expect(codes.contains("I10"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("E11") }, "\(codes)")
    }

    @Test("coronary artery disease `with a stent` is without angina; said with angina it is with angina")
    func bareWith() {
        let stent = icd10([
            "He has coronary artery disease, with a stent in his LAD, and he had a heart attack over a year ago."
        ])
        #expect(stent.contains("I25.10"), "\(stent)")
        #expect(!stent.contains { $0.hasPrefix("I25.11") }, "\(stent)")
        let angina = icd10(["Coronary artery disease with stable angina, on nitroglycerin as needed."])
        #expect(angina.contains("I25.118"), "\(angina)")
    }

    @Test("allergic contact dermatitis from nickel is due to metals (L23.0)")
    func nickel() {
        let codes = icd10(["Allergic contact dermatitis of the left wrist from the nickel in her watch."])
        #expect(codes.contains("L23.0"), "\(codes)")
        #expect(!codes.contains("L23.9"), "\(codes)")
    }
    @Test("someone who smokes around the patient is Z77.22, not the patient's nicotine dependence; a denial is nothing")
    func secondhandSmoke() throws {
        func visit(_ answer: String) -> String {
            """
            [doctor] so leo is a 3-year-old male here with his mom for a fever and pulling at his left ear .
            [patient] he's had a fever since yesterday .
            [doctor] and does anyone smoke around him ?
            [patient] \(answer)
            [doctor] okay . on exam , the left eardrum is red and bulging .
            [doctor] so he has an acute ear infection of the left ear , acute otitis media . we'll start amoxicillin .
            """
        }
        let exposed = try dialogueICD10(visit("his grandpa smokes . he smokes in the house when he's watching him ."))
        #expect(exposed.contains("Z77.22"), "\(exposed)")
        #expect(!exposed.contains { $0.hasPrefix("F17") || $0.hasPrefix("Z72") }, "\(exposed)")
        let nobody = try dialogueICD10(visit("no , nobody smokes ."))
        #expect(!nobody.contains("Z77.22"), "\(nobody)")
    }
    @Test("a code whose title says less than another of its category is part of it; `non-insulin` is not insulin")
    func lessSaidIsPart() {
        let sinus = icd10(["Acute sinusitis.", "Acute maxillary sinusitis, 11 days, worsening after improvement."])
        #expect(sinus.contains("J01.00"), "\(sinus)")
        #expect(!sinus.contains("J01.90"), "\(sinus)")
        let drugs = icd10(
            ["Type 2 diabetes with hyperglycemia."],
            plan: ["Continue insulin glargine 20 units nightly.", "Continue semaglutide injection weekly."])
        #expect(drugs.contains("Z79.4"), "\(drugs)")
        #expect(drugs.contains("Z79.85"), "\(drugs)")
    }
    @Test("a disease the visit names as a vaccine is the vaccine when said again; an identified influenza is not J11")
    func vaccineSaidAgainAndIdentifiedFlu() {
        let shingles = icd10(
            ["Annual exam.", "Essential hypertension, well controlled."],
            plan: [
                "For vaccines, he is due for his second shingles shot today.",
                "The shingles one can make his arm sore for a day.",
            ])
        #expect(!shingles.contains { $0.hasPrefix("B02") }, "\(shingles)")
        let flu = icd10(["Influenza A, rapid test positive, with fever and cough.", "The flu, day 3."])
        #expect(flu.contains { $0.hasPrefix("J10") }, "\(flu)")
        #expect(!flu.contains { $0.hasPrefix("J11") }, "\(flu)")
    }
}
