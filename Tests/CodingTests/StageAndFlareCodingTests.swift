import Testing

@testable import Coding
@testable import Scribe

/// The stage of kidney disease said in another clause, hypertensive heart and kidney disease stated apart, an
/// examination named after a condition, a study that does not show a condition, an inhaled steroid beside a nasal
/// one, and a chronic condition said to be flaring. The visits are written for this project.
@Suite("Billing codes: kidney stages, I13, examinations and studies, inhaled steroids, exacerbations")
struct StageAndFlareCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("the stage said after a comma is the kidney disease's; hypertensive CKD gets its stage code")
    func kidneyStages() {
        let diabetic = icd10([
            "Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3a.",
            "Hypertension with chronic kidney disease, at goal.",
        ])
        #expect(diabetic.contains("N18.31"), "\(diabetic)")
        #expect(!diabetic.contains("N18.9"), "\(diabetic)")
        let hypertensive = icd10(["Hypertensive chronic kidney disease, stage 4.", "Anemia of chronic kidney disease."])
        #expect(hypertensive.contains("I12.9") && hypertensive.contains("N18.4"), "\(hypertensive)")
    }

    @Test("hypertensive heart disease with heart failure and hypertensive CKD stated apart are I13.0")
    func heartAndKidney() {
        let codes = icd10([
            "Hypertensive heart disease with chronic diastolic heart failure, euvolemic.",
            "Hypertensive chronic kidney disease, stage 3b, stable creatinine.",
        ])
        #expect(codes.contains("I13.0"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("I11") || $0.hasPrefix("I12") }, "\(codes)")
        #expect(codes.contains("N18.32"), "\(codes)")
    }

    @Test("a diabetic foot examination and a study that does not show pneumonia code nothing of their own")
    func examinationsAndStudies() {
        let codes = icd10([
            "Type 2 diabetes mellitus without complications, A1c 6.9.",
            "Diabetic foot examination normal today.",
            "The chest x-ray does n't show any pneumonia.",
        ])
        #expect(codes.contains("E11.9"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("E11.6") || $0.hasPrefix("J18") }, "\(codes)")
    }

    @Test("an inhaled steroid is long-term therapy though a nasal steroid is added; a nasal one alone is not")
    func inhaledSteroids() {
        let inhaled = icd10(
            ["Moderate persistent asthma, uncomplicated.", "Allergic rhinitis due to pollen."],
            plan: [
                "Continue budesonide formoterol two puffs twice daily.",
                "Add fluticasone nasal spray two sprays each nostril daily.",
            ])
        #expect(inhaled.contains("Z79.51"), "\(inhaled)")
        let nasal = icd10(
            ["Allergic rhinitis due to pollen."],
            plan: ["Start fluticasone nasal spray two sprays each nostril daily.", "Continue fluticasone daily."])
        #expect(!nasal.contains("Z79.51"), "\(nasal)")
    }

    @Test("a chronic condition said to be flaring takes its exacerbation code; a denied flare does not")
    func exacerbations() {
        let flaring = icd10(["He has COPD, and he is having an acute exacerbation."])
        #expect(flaring.contains("J44.1"), "\(flaring)")
        let quiet = icd10(["He has COPD, with no exacerbations this year."])
        #expect(quiet.contains("J44.9"), "\(quiet)")
        #expect(!quiet.contains("J44.1"), "\(quiet)")
    }

    @Test("callus forming on the x-ray of a healing fracture is new bone, not a callosity")
    func fractureCallus() {
        let healing = icd10(["The x-ray shows the fracture is healing well.", "There is callus forming."])
        #expect(!healing.contains("L84"), "\(healing)")
        let skin = icd10(["Thick callus on the ball of the right foot, pared today."])
        #expect(skin.contains("L84"), "\(skin)")
    }

    @Test("an ear canal blocked with hard wax is impacted cerumen, on the side examined")
    func impactedWax() throws {
        let codes = try dialogueICD10(
            """
            [doctor] hi , what brings you in ?
            [patient] i can't hear well out of my left ear .
            [doctor] on exam , the right ear canal is clear . the left ear canal is completely blocked with hard wax .
            [doctor] so you have impacted wax in the left ear . we'll clean it out today .
            """)
        #expect(codes.contains("H61.22"), "\(codes)")
    }
}
