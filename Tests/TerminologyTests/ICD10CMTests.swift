import Testing

@testable import Terminology

@Suite("ICD-10-CM code set")
struct ICD10CMTests {
    let codes = ICD10CM.shared

    @Test("holds the FY2026 code set: 74,719 billable codes, 22 chapters")
    func counts() {
        #expect(codes.billableCount == 74_719)
        let billable = codes.billableCodes
        #expect(billable.count == 74_719)
        #expect(billable.allSatisfy { $0.isBillable && $0.children.isEmpty })
        #expect(codes.chapters.count == 22)
        #expect(codes.sections.count == 297)
    }

    @Test("looks codes up with or without the dot, in any case")
    func lookup() throws {
        let code = try #require(codes.code("e11.40"))
        #expect(code.code == "E11.40")
        #expect(code.title == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified")
        #expect(code.isBillable)
        #expect(codes.code("E1140") == code)
        #expect(codes.code("E11")?.isBillable == false)
        #expect(codes.code("E11")?.title == "Type 2 diabetes mellitus")
        #expect(codes.code("Z99.99") == nil)
        #expect(codes.code("") == nil)
        #expect(codes.code("I10")?.isBillable == true)
    }

    @Test("makes the 7th-character codes, with X placeholders, from their definitions")
    func seventhCharacter() throws {
        let sprain = try #require(codes.code("S93.401A"))
        #expect(sprain.title == "Sprain of unspecified ligament of right ankle, initial encounter")
        #expect(sprain.isBillable)
        #expect(sprain.parent?.code == "S93.401")
        #expect(codes.code("S93.401")?.isBillable == false)
        let placeholder = try #require(codes.code("T14.90XA"))
        #expect(placeholder.title == "Injury, unspecified, initial encounter")
        #expect(codes.code("S93.401")?.seventhCharacters.map(\.character) == ["A", "D", "S"])
        // S06's note: D and S do not apply with 6th character 7 or 8.
        #expect(codes.code("S06.1X7A") != nil)
        #expect(codes.code("S06.1X7D") == nil)
        // Laterality as a 7th character (E08.32-).
        #expect(codes.code("E08.3211")?.title.hasSuffix(", right eye") == true)
    }

    @Test("places a code in its chapter and section and lists its notes")
    func hierarchy() throws {
        let code = try #require(codes.code("I10"))
        #expect(code.chapter.number == "9")
        #expect(code.section.range == "I10-I1A")
        #expect(code.notes.contains { $0.kind == .includes && $0.text == "high blood pressure" })
        let excludes = code.applicableNotes.filter { $0.note.kind == .excludes1 }
        #expect(!excludes.isEmpty)
        #expect(codes.code("E11")?.children.map(\.code).contains("E11.9") == true)
        #expect(codes.code("E11.4")?.billableDescendants.map(\.code) == ["E11.40", "E11.41", "E11.42", "E11.43", "E11.44", "E11.49"])
    }

    @Test("reads Excludes1 references: type 1 and type 2 diabetes exclude each other")
    func excludes1() throws {
        let type1 = try #require(codes.code("E10.9"))
        let type2 = try #require(codes.code("E11.9"))
        #expect(type2.excludes1(type1))
        #expect(type1.excludes1(type2))
        let hypertension = try #require(codes.code("I10"))
        #expect(!hypertension.excludes1(type2))
    }

    @Test("references cover codes, prefixes and category ranges")
    func references() {
        #expect(ICD10Reference.code("K529").covers("K529"))
        #expect(!ICD10Reference.code("K529").covers("K5290"))
        #expect(ICD10Reference.prefix("E10").covers("E1065"))
        #expect(ICD10Reference.range("A00", "A09").covers("A0472"))
        #expect(!ICD10Reference.range("A00", "A09").covers("A150"))
    }
}
