import EncounterModel
import Foundation
import HL7v2
import Testing

@testable import Mapping

@Suite("Declarative HL7 v2 mapping files (mappings/hl7-in, mappings/hl7-out)")
struct MappingFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    @Test("the default files spell out exactly the built-in defaults")
    func defaults() throws {
        let outbound = try HL7OutboundMapping.load(path: Self.path("mappings/hl7-out/default.yaml"))
        #expect(outbound.renderer == HL7NoteRenderer.Configuration())
        #expect(outbound.messages == [.observationResult])
        #expect(outbound.sendingApplication == nil)
        let inbound = try HL7InboundMapping.load(path: Self.path("mappings/hl7-in/default.yaml"))
        #expect(inbound == HL7EncounterReader.Configuration())
    }

    @Test("the outbound variants differ the way receivers do")
    func outboundVariants() throws {
        let ft = try HL7OutboundMapping.load(path: Self.path("mappings/hl7-out/ft-wrapped-72.yaml"))
        #expect(ft.renderer.textValueType == .ft)
        #expect(ft.renderer.maximumLineLength == 72)
        #expect(ft.renderer.sectionHeadingObservations)
        #expect(ft.renderer.resultStatus == "P")
        #expect(ft.renderer.receivingApplication == "CHARTVIEW")
        #expect(ft.messages == [.observationResult, .documentNotification])
        let legacy = try HL7OutboundMapping.load(path: Self.path("mappings/hl7-out/tx-v231-60-columns.yaml"))
        #expect(legacy.renderer.textValueType == .tx)
        #expect(legacy.renderer.version == "2.3.1")
        #expect(legacy.renderer.maximumLineLength == 60)
        #expect(legacy.messages == [.observationResult, .financialTransaction])
    }

    @Test("FT joins a section's lines with \\.br\\, TX keeps one line per OBX, both wrap at word boundaries")
    func textLayout() throws {
        let record = HL7NoteRendererTests.record
        var configuration = HL7NoteRenderer.Configuration()
        configuration.textValueType = .ft
        configuration.maximumLineLength = 20
        configuration.sectionHeadingObservations = true
        let ft = HL7NoteRenderer(configuration: configuration)
        let texts = ft.observationTexts(of: record.sections[0])
        #expect(texts.first == "SUBJECTIVE")
        #expect(texts.count == 2)
        let lines = texts[1].split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 20 })
        #expect(lines.joined(separator: " ") == record.sections[0].lines.joined(separator: " "))
        let message = try HL7Message(parsing: try ft.observationResult(record, controlID: "C1", at: record.createdAt))
        #expect(message["OBX(2)-2"] == "FT")
        #expect(message.encodedValue(at: try HL7TerserPath(parsing: "OBX(2)-5"))?.contains("\\.br\\") == true)
        // Escaping still holds: the delimiters in a line arrive intact.
        #expect(
            message["OBX(2)-5"]?.contains("| hats ^ tildes ~ slashes \\ and &") == true
                || message["OBX(2)-5"]?.contains("~") == true)
        #expect(HL7NoteRenderer.wrap("a bb ccc dddd", width: 6) == ["a bb", "ccc", "dddd"])
        #expect(HL7NoteRenderer.wrap("abcdefghij klm", width: 4) == ["abcd", "efgh", "ij", "klm"])
        #expect(HL7NoteRenderer.wrap("short", width: 20) == ["short"])
    }

    @Test("a Z-segment transcript and a specialty keyed by the sending facility")
    func inboundVariant() throws {
        let configuration = try HL7InboundMapping.load(path: Self.path("mappings/hl7-in/zsegment-by-facility.yaml"))
        let reader = HL7EncounterReader(configuration: configuration)
        let message = try HL7Message(
            parsing: [
                "MSH|^~\\&|DICTATE|NORTH_PT|NB|NB|20261101093000||ORU^R01|Z1|P|2.5.1",
                "PID|1||MRN1^^^NORTH^MR||DOE^JANE||19800214|F",
                "PV1|1|O|CLINIC^1|||||||MED",
                "OBR|1" + String(repeating: "|", count: 31) + "9999^GREY^MEREDITH",
                "OBX|1|TX|^NOTE||This observation is not the transcript here.",
                "ZTX|1||Patient reports knee pain for three weeks.~Worse on stairs.",
            ].joined(separator: "\r") + "\r")
        let encounter = try reader.encounter(from: message)
        #expect(encounter.transcript.text == "Patient reports knee pain for three weeks.\nWorse on stairs.")
        #expect(encounter.specialty == "physical_therapy")
        #expect(encounter.author?.id == "9999")
        // No Z-segment and no NTE: the failure names the sources.
        let without = try HL7Message(parsing: "MSH|^~\\&|DICTATE|ELSEWHERE|NB|NB|1||ORU^R01|Z2|P|2.5.1\rPID|1||MRN1\r")
        #expect(throws: EncounterReadError.self) { try reader.encounter(from: without) }
        do {
            _ = try reader.encounter(from: without)
        } catch {
            #expect(error.code == .noTranscript)
            #expect(error.reason == "no transcript: no ZTX-3 field or NTE comment carries text")
        }
        #expect(reader.context(from: without).specialty == "physician")
    }

    @Test(
        "errors name the file, the line and the key",
        arguments: [
            ("version: 2\n", 1, "version"),
            ("version: 1\nheader:\n  version: \"3.0\"\n", 3, "header.version"),
            ("version: 1\ntext:\n  maxLineLength: 5\n", 3, "text.maxLineLength"),
            ("version: 1\ntext:\n  colour: red\n", 3, "text.colour"),
            ("version: 1\nmessages: [ORU^R01, ORU^R01]\n", 2, "messages"),
            ("version: 1\nmessages: [ACK]\n", 2, "messages"),
            ("version: 1\nresults:\n  status: X\n", 3, "results.status"),
            ("version: 1\nheader:\n  receivingApplication: \"A|B\"\n", 3, "header.receivingApplication"),
            ("version: 1\n  bad: [indent\n", 2, ""),
        ])
    func outboundErrors(text: String, line: Int, key: String) {
        do {
            _ = try HL7OutboundMapping(yaml: text, file: "custom.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "custom.yaml")
            #expect(error.line == line)
            #expect(error.key == key)
            #expect(error.description.hasPrefix("custom.yaml:\(line): "))
        }
    }

    @Test(
        "inbound errors name the file, the line and the key",
        arguments: [
            ("version: 1\npatient:\n  identifiers: PID3\n", 3, "patient.identifiers"),
            ("version: 1\ntranscript:\n  sources: [observations, PID-3]\n", 3, "transcript.sources"),
            ("version: 1\nspecialty:\n  table:\n    MED: wizard\n", 4, "specialty.table.MED"),
            ("version: 1\nspecialty:\n  default: wizard\n", 3, "specialty.default"),
            ("version: 1\nnote:\n  template: novel\n", 3, "note.template"),
            ("version: 1\nvisit:\n  room: PV1-3\n", 3, "visit.room"),
            ("version: 1\nversion: 1\n", 2, "version"),
            ("version: 1\ntranscript:\n  observationValueTypes: [TX, NM]\n", 3, "transcript.observationValueTypes"),
        ])
    func inboundErrors(text: String, line: Int, key: String) {
        do {
            _ = try HL7InboundMapping.configuration(yaml: text, file: "in.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line)
            #expect(error.key == key)
        }
    }

    @Test("ED among the value types is accepted: it is read as a recording to transcribe, never as text")
    func encapsulatedData() throws {
        let configuration = try HL7InboundMapping.configuration(
            yaml: "version: 1\ntranscript:\n  observationValueTypes: [TX, FT, ST, ED]\n", file: "in.yaml")
        #expect(configuration.observationValueTypes == ["TX", "FT", "ST", "ED"])
    }

    @Test("a file too large or nested too deep is refused")
    func limits() {
        let large = "version: 1\n" + String(repeating: "# padding line\n", count: 20_000)
        #expect(throws: MappingFileError.self) { try HL7OutboundMapping(yaml: large, file: "big.yaml") }
        let deep =
            "version: 1\nheader:" + String(repeating: " {a:", count: 12) + " 1" + String(repeating: "}", count: 12)
            + "\n"
        #expect(throws: MappingFileError.self) { try HL7OutboundMapping(yaml: deep, file: "deep.yaml") }
    }
}

@Suite("Mapping files: aliases")
struct MappingFileAliasTests {
    @Test("aliases that expand to millions of values are refused quickly")
    func billionLaughs() {
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let start = ContinuousClock.now
        #expect(throws: MappingFileError.self) { try HL7OutboundMapping(yaml: text, file: "laughs.yaml") }
        #expect(ContinuousClock.now - start < .seconds(30))  // unrefused, the 10^9 values would take hours
    }

    /// Nested aliases ten deep: 10^8 values behind `*a8`.
    static let laughs: String = {
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        return text
    }()

    /// Found by the `mapping` fuzz target (Benchmarks/RESULTS.md): Yams hashes every mapping key while composing, so
    /// an alias used as a key hung every reader before the node budget could refuse it; and the FHIR note mapping,
    /// read with `Yams.load`, built every copy (gigabytes).
    @Test("an alias used as a key, and aliases in the FHIR note mapping, are refused before Yams expands them")
    func aliasesRefusedBeforeComposing() {
        let asKey = Self.laughs + "z: {*a8 : 1}\n"
        let start = ContinuousClock.now
        #expect(
            throws: MappingFileError(
                file: "k.yaml", line: 3, key: "", reason: "aliases are not allowed in mapping files")
        ) {
            try HL7OutboundMapping(yaml: asKey, file: "k.yaml")
        }
        #expect(throws: MappingFileError.self) { try HL7InboundMapping.configuration(yaml: asKey, file: "k.yaml") }
        #expect(throws: MappingError(key: "", reason: "aliases are not allowed in mapping files")) {
            try NoteFHIRMapping(yaml: Self.laughs)
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    /// Found by the `mapping` fuzz target (Benchmarks/RESULTS.md): `Yams.load` force-unwraps a mapping key as text,
    /// so a complex key (`? sources: [...]`) stopped the process reading the FHIR note mapping.
    @Test("a mapping key that is not a plain value is an error, not a crash, in every mapping reader")
    func complexKeys() {
        let text = "version: 1\ntranscript:\n ? sources: [ZTX-3, notes]\n"
        #expect(throws: MappingError(key: "", reason: "every key must be a plain value")) {
            try NoteFHIRMapping(yaml: text)
        }
        #expect(throws: MappingError.self) { try NoteFHIRMapping(yaml: "version: 1\nsections: {[a]: 1}\n") }
        #expect(throws: MappingFileError.self) { try HL7InboundMapping.configuration(yaml: text, file: "k.yaml") }
        #expect(throws: MappingFileError.self) { try HL7OutboundMapping(yaml: text, file: "k.yaml") }
    }

    @Test(
        "a * inside text or after a word is not an alias; one where a node starts is",
        arguments: [
            ("x: a * b", nil), ("x: 2*3", nil), ("x: \"5 * 4\"", nil), ("# a*b", nil), ("x: *a", 1), ("- *a", 1),
            ("x: [1,*a]", 1), ("x:\n  *a : 1", 2), ("*a", 1), ("x: {k:*a}", 1), ("x: y\u{2028}*a", 2),
        ] as [(String, Int?)])
    func possibleAliases(text: String, line: Int?) {
        #expect(MappingDocument.firstPossibleAliasLine(in: text) == line)
    }
}
