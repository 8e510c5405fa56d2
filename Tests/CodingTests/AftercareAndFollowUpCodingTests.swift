import Testing

@testable import Coding
@testable import Scribe

/// The encounter's reason listed first, aftercare of a replaced joint, and a follow-up visit after a condition's
/// treatment is over (Z09 with the condition's personal history code). The lines are written for this project.
@Suite("Billing codes: encounter reasons sequenced first, joint replacement aftercare, follow-up after treatment")
struct AftercareAndFollowUpCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("routine postpartum care comes before the contraception managed in it; a gynecological examination first")
    func encounterSequencing() {
        let postpartum = icd10([
            "Contraception management: starting combined oral contraceptive pills today.",
            "Routine postpartum follow-up, recovering well.",
        ])
        #expect(postpartum.first == "Z39.2", "\(postpartum)")
        #expect(postpartum.contains { $0.hasPrefix("Z30") }, "\(postpartum)")
        let gynecological = icd10([
            "Cervical cancer screening with HPV co-testing sent.",
            "Well woman exam, normal.",
        ])
        #expect(gynecological.first == "Z01.419", "\(gynecological)")
    }

    @Test("a preventive examination written `without abnormal findings` stays so beside a symptom the note codes")
    func statedWithoutFindings() {
        let child = icd10(
            ["Routine well child exam without abnormal findings.", "Cough for two days, no fever."],
            subjective: ["A 4-year-old girl here for her check-up."])
        #expect(child.contains("Z00.129"), "\(child)")
        #expect(!child.contains("Z00.121"), "\(child)")
        let found = icd10(
            ["Routine well child exam.", "Cough for two days, no fever."],
            subjective: ["A 4-year-old girl here for her check-up."])
        #expect(found.contains("Z00.121"), "\(found)")
    }

    @Test("a joint replaced weeks ago and seen in its recovery is aftercare (Z47.1) first, with the joint's status")
    func jointReplacementAftercare() {
        let weeks = icd10([
            "Four weeks out from a left total knee arthroplasty, healing as expected.",
            "Osteoarthritis of the right knee, primary.",
        ])
        #expect(weeks.first == "Z47.1", "\(weeks)")
        #expect(weeks.contains("Z96.652"), "\(weeks)")
        let aftercare = icd10(["Aftercare following right total hip arthroplasty, progressing with therapy."])
        #expect(aftercare.first == "Z47.1", "\(aftercare)")
        #expect(aftercare.contains("Z96.641"), "\(aftercare)")
        // A replacement done years ago is a status, and the visit is not its aftercare.
        let old = icd10([
            "Right total knee arthroplasty eight years ago, doing well.",
            "Primary osteoarthritis of the left knee.",
        ])
        #expect(!old.contains("Z47.1"), "\(old)")
        #expect(old.contains("Z96.651"), "\(old)")
    }

    @Test("a follow-up after a condition treated and resolved is Z09 with the condition's history code by its chapter")
    func followUpAfterResolvedCondition() {
        let ulcer = icd10(
            ["Gastric ulcer, healed on the repeat endoscopy.", "Essential hypertension, controlled."],
            subjective: ["Chief complaint: follow-up after ulcer treatment."])
        #expect(ulcer.first == "Z09", "\(ulcer)")
        #expect(ulcer.contains("Z87.11"), "\(ulcer)")
        #expect(!ulcer.contains { $0.hasPrefix("K25") }, "\(ulcer)")
        let ear = icd10(
            ["Right ear infection, antibiotic course completed, now resolved."],
            subjective: ["Chief complaint: ear recheck."])
        #expect(ear.first == "Z09", "\(ear)")
        #expect(ear.contains("Z86.69"), "\(ear)")
        #expect(!ear.contains { $0.hasPrefix("H66") }, "\(ear)")
        // Said in passing at a visit for something else, a resolved infection is neither coded nor followed up.
        let passing = icd10(["Last month's sinus infection has resolved.", "Type 2 diabetes, well controlled."])
        #expect(!passing.contains("Z09"), "\(passing)")
        #expect(!passing.contains("Z87.09"), "\(passing)")
        #expect(!passing.contains { $0.hasPrefix("J01") || $0.hasPrefix("J32") }, "\(passing)")
    }

    @Test("the healing of a cancer's scar does not make a follow-up after completed treatment (Z09)")
    func scarHealed() {
        let codes = icd10(
            ["Melanoma of the back excised three years ago, the excision scar is well healed, no recurrence."],
            subjective: ["Chief complaint: skin surveillance follow-up."])
        #expect(codes.contains("Z85.820"), "\(codes)")
        #expect(!codes.contains("Z09"), "\(codes)")
    }
}
