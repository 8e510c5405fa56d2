import HL7v2
import Scribe
import Testing

@testable import Gateway

/// The console's segment tree (names and data types from the HL7 v2 tables, escapes decoded) and evidence view.
@Suite struct SegmentTreeTests {
    static let message =
        "MSH|^~\\&|SEND|NORTH|NOTEBRIDGE|NB|20261101093000||ADT^A04^ADT_A01|CTRL-1|P|2.5.1\r"
        + "PID|1||MRN1^^^NORTH^MR~MRN2^^^SOUTH^MR||TESTPATIENT\\F\\X^ALEX||19800214|F\r" + "PV1|1|O\r"
        + "ZXY|1|custom\r"

    static func tree() throws -> SegmentTree {
        SegmentTree(try HL7Message(parsing: message))
    }

    @Test func segmentsAndFieldsAreNamedFromTheTables() throws {
        let tree = try Self.tree()
        #expect(tree.segments.map(\.id) == ["MSH", "PID", "PV1", "ZXY"])
        #expect(tree.segments.map(\.name) == ["Message Header", "Patient Identification", "Patient Visit", ""])
        #expect(tree.segments.map(\.position) == [1, 2, 3, 4])
        let msh = tree.segments[0]
        let control = try #require(msh.fields.first { $0.path == "MSH-10" })
        #expect(control.name == "Message Control ID")
        #expect(control.dataType == "ST")
        #expect(control.value == "CTRL-1")
        // MSH-1 and MSH-2 are literal.
        #expect(msh.fields.first { $0.path == "MSH-1" }?.value == "|")
        #expect(msh.fields.first { $0.path == "MSH-2" }?.value == "^~\\&")
        // Empty fields (MSH-8) are left out.
        #expect(!msh.fields.contains { $0.path == "MSH-8" })
    }

    @Test func componentsAndRepetitionsHaveTheirOwnPaths() throws {
        let tree = try Self.tree()
        let type = try #require(tree.segments[0].fields.first { $0.path == "MSH-9" })
        #expect(type.name == "Message Type")
        #expect(type.value == "")
        #expect(type.components.map(\.path) == ["MSH-9.1", "MSH-9.2", "MSH-9.3"])
        #expect(type.components.map(\.value) == ["ADT", "A04", "ADT_A01"])
        let pid = tree.segments[1]
        let identifiers = pid.fields.filter { $0.name == "Patient Identifier List" }
        #expect(identifiers.map(\.path) == ["PID-3(1)", "PID-3(2)"])
        // Empty components are left out: MRN1^^^NORTH^MR has 1, 4 and 5.
        #expect(identifiers[0].components.map(\.path) == ["PID-3(1).1", "PID-3(1).4", "PID-3(1).5"])
        #expect(identifiers[1].components.map(\.value) == ["MRN2", "SOUTH", "MR"])
    }

    @Test func escapesAreDecoded() throws {
        let name = try #require(try Self.tree().segments[1].fields.first { $0.path == "PID-5" })
        #expect(name.dataType == "XPN")
        #expect(name.components.first?.value == "TESTPATIENT|X")
    }

    @Test func aSegmentTheTablesDoNotListIsShownByPosition() throws {
        let zxy = try Self.tree().segments[3]
        #expect(zxy.fields.map(\.path) == ["ZXY-1", "ZXY-2"])
        #expect(zxy.fields.allSatisfy { $0.name.isEmpty && $0.dataType.isEmpty })
        #expect(zxy.fields.map(\.value) == ["1", "custom"])
    }

    @Test func theOutlineHasNoValues() throws {
        let outline = try Self.tree().outline
        #expect(outline.map(\.id) == ["MSH", "PID", "PV1", "ZXY"])
        #expect(outline[1].fieldCount == 6)  // PID-1, PID-3 twice, PID-5, PID-7, PID-8
    }

    @Test func everyListedSegmentHasNamedFields() {
        for id in HL7SegmentDefinition.knownSegments {
            let definition = HL7SegmentDefinition.named(id)
            #expect(definition?.fields.isEmpty == false, "\(id)")
            #expect(definition?.fields.allSatisfy { !$0.name.isEmpty && !$0.dataType.isEmpty } == true, "\(id)")
        }
        #expect(HL7SegmentDefinition.named("PID")?.field(5)?.name == "Patient Name")
        #expect(HL7SegmentDefinition.named("OBX")?.field(5)?.dataType == "varies")
        #expect(HL7SegmentDefinition.named("PV1")?.field(19)?.name == "Visit Number")
        #expect(HL7SegmentDefinition.named("PV1")?.fields.count == 52)
        #expect(HL7SegmentDefinition.named("MSH")?.field(22) == nil)
    }

    @Test func evidenceCutsTheTranscriptAtEveryBoundary() {
        let statements = [
            NoteStatement(section: .subjective, text: "one", evidence: [0..<3]),
            NoteStatement(section: .plan, text: "two", evidence: [2..<5, 40..<50]),
        ]
        let view = EvidenceView(transcript: "abcdéfghij", statements: statements)
        #expect(view.pieces.map(\.text) == ["ab", "c", "dé", "fghij"])
        #expect(view.pieces.map(\.statements) == [[0], [0, 1], [1], []])
        #expect(view.statements.map(\.index) == [0, 1])
        #expect(view.statements.map(\.section) == ["subjective", "plan"])
        #expect(view.pieces.map(\.text).joined() == "abcdéfghij")
    }
}
