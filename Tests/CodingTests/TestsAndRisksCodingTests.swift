import Testing

@testable import Coding
@testable import Scribe

/// What a visit says around a condition without saying the patient has it: a test named after the condition, a
/// risk it talks over, `both` said of other things than the organ's two sides. The lines are written for this
/// project.
@Suite("Billing codes: tests named after conditions, risks, and both")
struct TestsAndRisksCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("a test named after a condition looks for it: a negative one codes nothing, a screening test stays")
    func namedTests() {
        let contraception = icd10(
            ["Starting the progestin-only pill for contraception.", "Urine pregnancy test, which came back negative."])
        #expect(!contraception.contains { $0.hasPrefix("Z34") || $0.hasPrefix("O") }, "\(contraception)")
        let throat = icd10(["Viral pharyngitis.", "The rapid strep test was negative."])
        #expect(!throat.contains("J02.0"), "\(throat)")
        let screening = icd10(["Due for cervical screening: we will do the pap with the hpv test today."])
        #expect(screening.contains("Z11.51"), "\(screening)")
    }

    @Test("a condition something makes more likely is a risk, not a doubt about the diagnosis")
    func risk() throws {
        let codes = try dialogueICD10(
            """
            [doctor] hi there , what brings the two of you in ?
            [patient_guest] she's been tugging at her right ear for two days , and she had a fever last night .
            [doctor] does anyone smoke around her ?
            [patient_guest] her grandpa smokes on the porch .
            [doctor] okay . let me take a look . on exam , the right eardrum is red and bulging with pus behind it .
            [doctor] so she has an ear infection in her right ear , it's an acute suppurative otitis media .
            [doctor] the smoke can make ear infections more likely , so it is worth a talk with grandpa .
            [doctor] i'm prescribing amoxicillin twice a day for ten days .
            """)
        #expect(codes.contains { $0.hasPrefix("H66.0") }, "\(codes)")
    }

    @Test("`both` said of two conditions is no bilateral side")
    func bothConditions() {
        let codes = icd10(
            ["Acute suppurative otitis media."],
            subjective: [
                "She keeps pulling at her left ear.", "Smoke makes ear infections and wheezing both worse.",
            ])
        #expect(codes.contains("H66.002"), "\(codes)")
        let bilateral = icd10(
            ["Acute suppurative otitis media."], subjective: ["He pulls at both ears, the left more than the right."])
        #expect(!bilateral.contains("H66.002") && !bilateral.contains("H66.001"), "\(bilateral)")
    }
}
