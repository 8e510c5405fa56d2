import Testing

@testable import Coding
@testable import Scribe

/// What a condition's wording says about it beyond its name: a gland's failure after a procedure, a history named
/// after the condition or said to be gone, an eradicated infection, immunity from a titer, the possessives of a
/// conversation, and an encounter reason that does not swallow the finding named with it. The lines are written
/// for this project.
@Suite("Billing codes: procedure-caused failure, histories, eradication, immunity, possessives, findings")
struct HistoryAndWordingCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("a gland's failure after an operation or an ablation is the postprocedural endocrine code (E89)")
    func postprocedural() {
        let parathyroid = icd10(["Postsurgical hypoparathyroidism, stable on calcitriol."])
        #expect(parathyroid.contains("E89.2"), "\(parathyroid)")
        #expect(!parathyroid.contains("E20.9"), "\(parathyroid)")
        let thyroid = icd10(["Hypothyroidism after radioactive iodine ablation, dose adjusted."])
        #expect(thyroid.contains("E89.0"), "\(thyroid)")
        let plain = icd10(["Hypothyroidism, stable on levothyroxine."])
        #expect(plain.contains("E03.9"), "\(plain)")
    }

    @Test("a history named after the condition (`given her smoking history`) is no current condition")
    func historyAfterCondition() {
        let codes = icd10([
            "Community acquired pneumonia, improving.", "Repeat chest x-ray in six weeks given her smoking history.",
        ])
        #expect(!codes.contains("F17.210"), "\(codes)")
        let cancer = icd10(["TSH goal chosen because of her cancer history."])
        #expect(!cancer.contains { $0.hasPrefix("C") }, "\(cancer)")
    }

    @Test("a condition said long gone is history; one the patient is `having had` too")
    func goneAndHavingHad() {
        let eczema = icd10(["Annular rash of the trunk.", "The eczema from childhood is long gone."])
        #expect(eczema.contains("Z87.2"), "\(eczema)")
        #expect(!eczema.contains("Z09"), "\(eczema)")
        let gestational = icd10(["Having had gestational diabetes, she needs her glucose checked every few years."])
        #expect(gestational.contains("Z86.32"), "\(gestational)")
        #expect(!gestational.contains { $0.hasPrefix("O24") }, "\(gestational)")
    }

    @Test("a personal history code said resolved is kept; an eradicated infection is history with its follow-up")
    func historiesNamed() {
        let named = icd10(["Personal history of gestational diabetes, resolved; glucose tolerance test normal."])
        #expect(named.contains("Z86.32"), "\(named)")
        let pylori = icd10([
            "Helicobacter pylori infection, treated; eradication confirmed by a negative breath test.",
            "Follow up after treatment completed.",
        ])
        #expect(pylori.contains("Z86.19"), "\(pylori)")
        #expect(!pylori.contains("A04.8"), "\(pylori)")
        let active = icd10(["H. pylori infection on stool antigen, starting quadruple therapy."])
        #expect(active.contains("A04.8"), "\(active)")
    }

    @Test("immunity from a titer (`rubella immune`) is no disease")
    func immunity() {
        let codes = icd10(["Prenatal labs reviewed and normal, blood type O positive and rubella immune."])
        #expect(!codes.contains { $0.hasPrefix("B06") }, "\(codes)")
    }

    @Test("the possessives of a conversation do not break a condition's name (`a laceration of your left finger`)")
    func possessives() {
        let finger = icd10(["So you have a laceration of your left index finger, no foreign body."])
        #expect(finger.contains("S61.211A"), "\(finger)")
        let septum = icd10(["And you have a deviated septum causing the left-sided blockage."])
        #expect(septum.contains("J34.2"), "\(septum)")
        let knee = icd10(["A scrape on the right knee, cleaned and dressed."])
        #expect(knee.contains("S80.211A"), "\(knee)")
    }

    @Test("a preventive examination `with an abnormal finding of` a condition codes the condition and the finding")
    func findingNamedWithExamination() {
        let codes = icd10(
            ["Well-child exam at four years with an abnormal finding of impacted cerumen in the right ear, removed."],
            subjective: ["A 4-year-old boy here with his father for his well-child check."])
        #expect(codes.contains("Z00.121"), "\(codes)")
        #expect(codes.contains("H61.21"), "\(codes)")
    }

    @Test("dependence on home oxygen or on maintenance dialysis is its status code (Z99.81, Z99.2)")
    func dependence() {
        let oxygen = icd10(["Chronic hypoxic respiratory failure, stable on continuous home oxygen 2 liters."])
        #expect(oxygen.contains("Z99.81"), "\(oxygen)")
        let saturation = icd10(["Community acquired pneumonia; oxygen saturation 95 percent on room air."])
        #expect(!saturation.contains("Z99.81"), "\(saturation)")
        let dialysis = icd10(["End stage renal disease on maintenance hemodialysis three times a week."])
        #expect(dialysis.contains("Z99.2"), "\(dialysis)")
    }

    @Test("a sign coded `not elsewhere classified` is part of a coded condition whose title names it")
    func signInConditionTitle() {
        let codes = icd10(["Obstructive sleep apnea, CPAP ordered.", "Apnea episodes at night witnessed by his wife."])
        #expect(codes.contains("G47.33"), "\(codes)")
        #expect(!codes.contains("R06.81"), "\(codes)")
    }

    @Test("a sibling code the clause denies is not chosen (`the strep test is negative, so it is not strep throat`)")
    func deniedSibling() {
        let codes = icd10([
            "The sore throat is from the drainage, and the strep test is negative, so it is not strep throat."
        ])
        #expect(!codes.contains("J02.0"), "\(codes)")
    }
}
