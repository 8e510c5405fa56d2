import EncounterModel
import Foundation
import HL7v2
import Testing

@testable import Mapping

@Suite("HL7 v2 → Encounter")
struct HL7EncounterReaderTests {
    /// A synthetic MDM^T02 (invented patient and clinicians) whose transcript is in two TX observations.
    static func mdm(observations: [String]? = nil, extra: [String] = []) -> String {
        let obx =
            observations ?? [
                "OBX|1|TX|11506-3^Progress note^LN|1|Doctor: What brings you in today?~Patient: My left knee hurts when I climb stairs.||||||F",
                "OBX|2|TX|11506-3^Progress note^LN|1|Doctor: How long has it hurt?\\.br\\Patient: About three weeks.||||||F",
            ]
        return
            ([
                "MSH|^~\\&|DICTATE|NORTH|NOTEBRIDGE|NB|20261101093000||MDM^T02^MDM_T02|MDM0001|P|2.5.1",
                "EVN|T02|20261101093000",
                "PID|1||MRN0001^^^NORTH^MR~ACC9^^^NORTH^AN||TESTPATIENT^ALEX^Q||19800214|F",
                "PV1|1|O|CLINIC^101^A^NORTH||||1234^WELBY^MARCUS|||PSY|||||||||V0001",
                "TXA|1|PN|TX|20261101093000|5678^KILDARE^JAMES||||||DOC0001||||||AU||AV",
            ] + extra + obx).joined(separator: "\r") + "\r"
    }

    private func read(_ text: String, configuration: HL7EncounterReader.Configuration = .init()) throws -> Encounter {
        try HL7EncounterReader(configuration: configuration).encounter(
            from: try HL7Message(parsing: text), journalID: 7)
    }

    @Test("patient, visit, providers, specialty and transcript come from their fields")
    func fields() throws {
        let encounter = try read(Self.mdm())
        #expect(
            encounter.patient.identifiers == [
                Encounter.Identifier(value: "MRN0001", assigningAuthority: "NORTH", type: "MR"),
                Encounter.Identifier(value: "ACC9", assigningAuthority: "NORTH", type: "AN"),
            ])
        #expect(encounter.patient.name == Encounter.PersonName(family: "TESTPATIENT", given: "ALEX", middle: "Q"))
        #expect(encounter.patient.birthDate == "19800214")
        #expect(encounter.patient.sex == "F")
        #expect(encounter.visit.number == "V0001")
        #expect(encounter.visit.patientClass == "O")
        #expect(
            encounter.visit.location
                == Encounter.Location(pointOfCare: "CLINIC", room: "101", bed: "A", facility: "NORTH"))
        #expect(encounter.visit.hospitalService == "PSY")
        #expect(encounter.specialty == "psychiatrist")
        #expect(encounter.attending == Encounter.Provider(id: "1234", name: .init(family: "WELBY", given: "MARCUS")))
        #expect(encounter.author == Encounter.Provider(id: "5678", name: .init(family: "KILDARE", given: "JAMES")))
        #expect(
            encounter.origin
                == Encounter.Origin(
                    channel: .mllp, sender: "DICTATE|NORTH", messageType: "MDM^T02", controlID: "MDM0001", journalID: 7)
        )
        #expect(encounter.transcript.source == .hl7Observation)
        #expect(
            encounter.transcript.text == """
                Doctor: What brings you in today?
                Patient: My left knee hurts when I climb stairs.
                Doctor: How long has it hurt?
                Patient: About three weeks.
                """)
    }

    @Test("FT formatting commands are honoured; escaped delimiters and backslashes are text")
    func formattedText() throws {
        let text = try read(
            Self.mdm(observations: [
                "OBX|1|FT|11506-3^Progress note^LN|1|Line one\\.sp\\\\.in+4\\Line two \\F\\ \\S\\ \\T\\ \\R\\ \\E\\.br\\E\\ end||||||F"
            ])
        ).transcript.text
        #expect(text == "Line one\nLine two | ^ & ~ \\.br\\ end")
    }

    @Test("the author falls back to OBR-16, then PV1-7; the specialty to the default")
    func fallbacks() throws {
        let withoutTXA = Self.mdm().replacingOccurrences(
            of: "TXA|1|PN|TX|20261101093000|5678^KILDARE^JAMES||||||DOC0001||||||AU||AV\r", with: "")
        #expect(try read(withoutTXA).author?.id == "1234")
        let withOBR = try read(
            withoutTXA.replacingOccurrences(
                of: "OBX|1|", with: "OBR|1|||11506-3^Progress note^LN||||||||||||9999^HOUSE^GREGORY\rOBX|1|"))
        #expect(withOBR.author?.id == "9999")
        let unknownService = try read(Self.mdm().replacingOccurrences(of: "|PSY|", with: "|ZZZ|"))
        #expect(unknownService.specialty == "generic")
    }

    @Test(
        "a message that cannot become an encounter gets a specific error without its content",
        arguments: [
            ([String](), EncounterReadError.Code.noTranscript),
            (["OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F"], .noTranscript),
            (["OBX|1|TX|11506-3^Progress note^LN|1|Knee pain.||||||F"], .transcriptTooShort),
        ])
    func failures(observations: [String], code: EncounterReadError.Code) throws {
        do {
            _ = try read(Self.mdm(observations: observations))
            Issue.record("expected \(code)")
        } catch let error as EncounterReadError {
            #expect(error.code == code)
            #expect(!error.reason.contains("TESTPATIENT") && !error.reason.contains("Knee"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("NTE comments are the transcript when no observation carries text")
    func noteComments() throws {
        let encounter = try read(
            Self.mdm(observations: [], extra: ["NTE|1||Patient reports a sore throat for two days."]))
        #expect(encounter.transcript.source == .hl7Note)
        #expect(encounter.transcript.text == "Patient reports a sore throat for two days.")
    }

    @Test("a transcript over the limit is refused")
    func tooLong() throws {
        var configuration = HL7EncounterReader.Configuration()
        configuration.maximumTranscriptCharacters = 40
        #expect { try read(Self.mdm(), configuration: configuration) } throws: { error in
            (error as? EncounterReadError)?.code == .transcriptTooLong
        }
    }

    @Test("a PID with a name but no identifier is read (a FHIR destination matches it by name); with neither, refused")
    func patientWithoutIdentifier() throws {
        let nameOnly = Self.mdm().replacingOccurrences(of: "PID|1||MRN0001^^^NORTH^MR~ACC9^^^NORTH^AN", with: "PID|1||")
        let encounter = try read(nameOnly)
        #expect(encounter.patient.identifiers.isEmpty)
        #expect(encounter.patient.name?.family.isEmpty == false)
        let segments = nameOnly.split(separator: "\r").map { line -> String in
            guard line.hasPrefix("PID|") else { return String(line) }
            var fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if fields.count > 5 { fields[5] = "" }
            return fields.joined(separator: "|")
        }
        #expect { try read(segments.joined(separator: "\r") + "\r") } throws: { error in
            (error as? EncounterReadError)?.code == .missingField
        }
    }
}
