import Foundation
import Gateway
import HL7v2
import Testing

/// The bad-input list of the foundation issue, each with the acknowledgment it must get. (MLLP framing
/// cases — NULs between frames, a frame without 0x1C 0x0D, a 10 MiB frame, a partial frame then silence —
/// are exercised over a real socket in Tests/integration.)
@Suite("Intake decisions")
struct IntakeDecisionTests {
    static let msh = "MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04^ADT_A01|CTRL-1|P|2.5.1"
    static let pid = "PID|1||MRN-SECRET^^^NORTH^MR||DOE^JANE||19800101|F"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var code: HL7AcknowledgmentCode
        var errorCode: Int?
        var testDescription: String { name }
    }

    static func text(_ segments: String...) -> [UInt8] {
        Array((segments.joined(separator: "\r") + "\r").utf8)
    }

    static let cases: [Case] = [
        Case(name: "well-formed v2.5.1", bytes: text(msh, pid), code: .applicationAccept),
        Case(name: "segment with only its name", bytes: text(msh, "PID", "PV1|1|O"), code: .applicationAccept),
        Case(name: "MSH with only its name", bytes: text("MSH", pid), code: .applicationReject, errorCode: 102),
        Case(
            name: "no segment terminators", bytes: Array((msh + pid + "PV1|1|O").utf8), code: .applicationReject,
            errorCode: 203),
        Case(name: "a lone \\ field", bytes: text(msh, "NTE|1||\\"), code: .applicationAccept),
        Case(name: "unterminated escape", bytes: text(msh, "NTE|1||text \\F"), code: .applicationAccept),
        Case(name: "back-to-back hex escapes", bytes: text(msh, "NTE|1||\\X41\\\\X42\\"), code: .applicationAccept),
        Case(name: "missing MSH", bytes: text(pid, "PV1|1|O"), code: .applicationReject, errorCode: 100),
        Case(
            name: "MSH-2 of three characters (read as HAPI reads it)",
            bytes: text("MSH|^~\\|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04|C|P|2.5", pid),
            code: .applicationAccept),
        Case(
            name: "MSH-2 of six characters",
            bytes: text("MSH|^~\\&#!|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04|C|P|2.5", pid),
            code: .applicationReject, errorCode: 102),
        Case(
            name: "non-UTF-8 bytes with MSH-18 UTF-8",
            bytes: Array((msh + "||||||UNICODE UTF-8\rPID|1||").utf8) + [0xC3, 0x28, 0x0D],
            code: .applicationError, errorCode: 102),
        Case(
            name: "10,000 repetitions in a field",
            bytes: text(msh, "PID|1||" + Array(repeating: "R", count: 10_000).joined(separator: "~")),
            code: .applicationError, errorCode: 102),
        Case(
            name: "NUL inside a message", bytes: Array((msh + "\rPID|1||A").utf8) + [0] + [0x0D],
            code: .applicationError, errorCode: 102),
        Case(name: "invalid segment name", bytes: text(msh, "pid|1"), code: .applicationError, errorCode: 100),
        Case(
            name: "missing MSH-9", bytes: text("MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000|||CTRL|P|2.5", pid),
            code: .applicationReject, errorCode: 101),
        Case(
            name: "missing MSH-10", bytes: text("MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04||P|2.5", pid),
            code: .applicationReject, errorCode: 101),
        Case(
            name: "missing MSH-12", bytes: text("MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04|C|P|", pid),
            code: .applicationReject, errorCode: 101),
        Case(
            name: "unsupported version", bytes: text("MSH|^~\\&|CLINIC|NORTH|NB|NB|2026||ADT^A04|C|P|2.9", pid),
            code: .applicationReject, errorCode: 203),
        Case(
            name: "batch in one frame", bytes: text("BHS|^~\\&|CLINIC", msh, pid, "BTS|1"), code: .applicationReject,
            errorCode: 200),
        Case(
            name: "enhanced mode accept", bytes: text(msh + "|||AL|NE", pid), code: .commitAccept),
        Case(
            name: "enhanced mode error",
            bytes: text(msh + "|||AL|AL", "pid|1"), code: .commitError, errorCode: 100),
        Case(
            name: "v2.1 message", bytes: text("MSH|^~\\&|A|B|C|D|199001011200||ADT|C9|P|2.1", "PID|1"),
            code: .applicationAccept),
    ]

    @Test("bad input gets a specific acknowledgment", arguments: cases)
    func decide(_ testCase: Case) throws {
        let decision = IntakeDecision.evaluate(testCase.bytes, limits: .default, acceptedTypes: [])
        #expect(decision.code == testCase.code)
        #expect(decision.errors.first?.code.value == testCase.errorCode)
        let ack = try HL7Message(
            parsing: HL7AcknowledgmentBuilder().acknowledgment(
                for: decision.header, code: decision.code, errors: decision.errors, controlID: "ACK"))
        #expect(ack["MSA-1"] == testCase.code.rawValue)
        if let errorCode = testCase.errorCode {
            #expect(ack["ERR-3"] == String(errorCode))
            #expect((ack["ERR-8"] ?? "").count > 10)
        }
        let text = ack.er7
        #expect(!text.contains("SECRET"))
        #expect(!text.contains("DOE"))
    }

    @Test("a configured route answers other message types AR 200")
    func route() throws {
        let patterns = try #require(["ORU^R01", "MDM"].map { MessageTypePattern($0) } as? [MessageTypePattern])
        let adt = IntakeDecision.evaluate(Self.text(Self.msh, Self.pid), limits: .default, acceptedTypes: patterns)
        #expect(adt.code == .applicationReject)
        #expect(adt.errors.first?.code == .unsupportedMessageType)
        #expect(adt.errors.first?.location?.field == 9)
        let oru = IntakeDecision.evaluate(
            Self.text("MSH|^~\\&|LAB|N|NB|NB|2026||ORU^R01|C|P|2.4", "OBR|1"), limits: .default,
            acceptedTypes: patterns)
        #expect(oru.code == .applicationAccept)
        let mdm = IntakeDecision.evaluate(
            Self.text("MSH|^~\\&|LAB|N|NB|NB|2026||MDM^T02|C|P|2.6", "TXA|1"), limits: .default,
            acceptedTypes: patterns)
        #expect(mdm.code == .applicationAccept)
    }

    @Test("enhanced mode follows MSH-15")
    func acceptConditions() {
        let never = IntakeDecision.evaluate(Self.text(Self.msh + "|||NE|AL", Self.pid), limits: .default, acceptedTypes: [])
        #expect(never.code == .commitAccept)
        #expect(!never.sendsAcknowledgment)
        let errorsOnly = IntakeDecision.evaluate(Self.text(Self.msh + "|||ER|AL", Self.pid), limits: .default, acceptedTypes: [])
        #expect(!errorsOnly.sendsAcknowledgment)
        let errorsOnlyBad = IntakeDecision.evaluate(Self.text(Self.msh + "|||ER|AL", "pid"), limits: .default, acceptedTypes: [])
        #expect(errorsOnlyBad.sendsAcknowledgment)
        let original = IntakeDecision.evaluate(Self.text(Self.msh, Self.pid), limits: .default, acceptedTypes: [])
        #expect(original.sendsAcknowledgment)
    }

    @Test("every sample of the public corpus is accepted")
    func corpusAccepted() throws {
        let directory = URLPaths.corpus
        let files = try FileManagerList.hl7Files(in: directory)
        #expect(files.count >= 100)
        for file in files {
            let bytes = try FileManagerList.read(file)
            let batch = try HL7Batch(parsing: bytes)
            for message in batch.messages {
                let decision = IntakeDecision.evaluate(message.encoded(), limits: .default, acceptedTypes: [])
                #expect(decision.outcome == .accept, "\(file.lastPathComponent): \(decision.errors)")
            }
        }
    }
}
