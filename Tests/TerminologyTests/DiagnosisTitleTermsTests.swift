import Testing

@testable import Terminology

/// How a title's words are read for choosing among codes: said, absent, and the axis left unspecified.
@Suite("Diagnosis title terms")
struct DiagnosisTitleTermsTests {
    @Test("the axis after `unspecified` is the word the title names, also where the terms drop it (`site`)")
    func unspecifiedAxis() {
        let knee = DiagnosisIndex.analyse("Sprain of unspecified site of right knee")
        #expect(knee.positive.contains("right"), "\(knee)")
        #expect(knee.positive.contains("knee"), "\(knee)")
        #expect(!knee.axis.contains("right"), "\(knee)")
        let both = DiagnosisIndex.analyse("Sprain of unspecified site of unspecified knee")
        #expect(both.axis.contains("knee"), "\(both)")
        #expect(!both.positive.contains("knee"), "\(both)")
        let ligament = DiagnosisIndex.analyse("Sprain of unspecified ligament of left ankle")
        #expect(ligament.axis.contains("ligament"), "\(ligament)")
        #expect(ligament.positive.contains("left"), "\(ligament)")
    }
}
