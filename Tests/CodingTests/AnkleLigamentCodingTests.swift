import Testing

@testable import Coding
@testable import Scribe

/// An ankle sprain said with the ligament it injured goes to that ligament's code (the ICD-10-CM index: Sprain,
/// ankle, talofibular, calcaneofibular, deltoid, tibiofibular ligament), with its side and the encounter's 7th
/// character. The lines are written for this project.
@Suite("Billing codes: ankle sprains by the ligament named")
struct AnkleLigamentCodingTests {
    func icd10(_ lines: [String]) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines)).icd10.map(\.code)
    }

    @Test("a sprain named by its ligament, or an ankle sprain said with the ligament, takes the ligament's code")
    func ligamentNamed() {
        let talofibular = icd10(["Sprain of the anterior talofibular ligament of the right ankle, first visit for it."])
        #expect(talofibular.contains("S93.491A"), "\(talofibular)")
        #expect(!talofibular.contains { $0.hasPrefix("S93.40") }, "\(talofibular)")
        let said = icd10(["Left ankle sprain involving the talofibular ligament, initial encounter."])
        #expect(said.contains("S93.492A"), "\(said)")
        let high = icd10(["High ankle sprain on the left, initial encounter."])
        #expect(high.contains("S93.432A"), "\(high)")
        // Without a ligament named the sprain stays of an unspecified ligament.
        let plain = icd10(["Right ankle sprain, initial encounter."])
        #expect(plain.contains("S93.401A"), "\(plain)")
    }
}
