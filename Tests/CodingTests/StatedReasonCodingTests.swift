import Testing

@testable import Coding
@testable import Scribe

/// The visit's reason said in the opening turns by whoever says it (a parent), a child known by the body mass index
/// percentile, and contraception under surveillance. The lines are written for this project.
@Suite("Billing codes: the reason said in the opening turns, a child by percentile, contraceptive surveillance")
struct StatedReasonCodingTests {
    @Test("a parent's `here for his yearly checkup`, and a percentile body mass index, make a well-child visit")
    func parentStatedCheckup() throws {
        let codes = try dialogueICD10(
            """
            [doctor] hi sam , hi mom . how are things ?
            [patient_guest] good . we're just here for his yearly checkup .
            [doctor] great . any concerns ?
            [patient_guest] not really , he eats a lot of chips .
            [doctor] okay , let's look at him . his bmi is 25 , which is at the 98th percentile for his age .
            [doctor] so overall he is healthy , but his weight is in the obesity range .
            [doctor] let's work on cutting back the chips and more time outside .
            """)
        #expect(codes.first == "Z00.121", "\(codes)")
        #expect(codes.contains { $0.hasPrefix("E66") }, "\(codes)")
        #expect(codes.contains { $0.hasPrefix("Z68.5") }, "\(codes)")
    }

    @Test("a body mass index said in words (`thirty two point four`) is coded beside the weight diagnosis")
    func spokenBodyMassIndex() throws {
        let codes = try dialogueICD10(
            """
            [doctor] hi , what brings you in ?
            [patient] my reflux has been acting up again .
            [doctor] okay , let's examine you . your weight today is two hundred pounds , and your bmi is thirty two point four .
            [doctor] so you have obesity , and your reflux is gastroesophageal reflux disease .
            [doctor] losing some weight will help the reflux .
            """)
        #expect(codes.contains { $0.hasPrefix("E66") }, "\(codes)")
        #expect(codes.contains("Z68.32"), "\(codes)")
    }

    @Test("oral contraceptive surveillance is the encounter for surveillance of contraceptive pills (Z30.41)")
    func pillSurveillance() {
        let note = assessmentNote(["Oral contraceptive surveillance; blood pressure normal, refilled for a year."])
        let codes = Coder.shared.codes(for: note).icd10.map(\.code)
        #expect(codes.contains("Z30.41"), "\(codes)")
    }
}
