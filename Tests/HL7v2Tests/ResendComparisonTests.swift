import Foundation
import HL7v2
import Testing

@Suite("Resend comparison")
struct ResendComparisonTests {
    static let original = "MSH|^~\\&|A|B|C|D|20261101120000||MDM^T02|X1|P|2.5.1\rPID|1||M1\rOBX|1|TX|^N||text\r"

    static func comparable(_ text: String) -> [UInt8] {
        HL7ResendComparison.comparableBytes(of: Array(text.utf8))
    }

    @Test("MSH-7 and the segment terminators do not count; anything else does")
    func whatCounts() {
        let base = Self.comparable(Self.original)
        #expect(String(decoding: base, as: UTF8.self) == "MSH|^~\\&|A|B|C|D|||MDM^T02|X1|P|2.5.1\rPID|1||M1\rOBX|1|TX|^N||text")
        // A resend: new MSH-7, CR LF terminators, no final terminator.
        let resent = Self.original.replacingOccurrences(of: "20261101120000", with: "20261101121500")
            .replacingOccurrences(of: "\r", with: "\r\n")
        #expect(Self.comparable(resent) == base)
        #expect(Self.comparable(String(Self.original.dropLast())) == base)
        // Different content: the text, the patient, MSH-8 or MSH-6.
        #expect(Self.comparable(Self.original.replacingOccurrences(of: "|text", with: "|texts")) != base)
        #expect(Self.comparable(Self.original.replacingOccurrences(of: "||M1", with: "||M2")) != base)
        #expect(Self.comparable(Self.original.replacingOccurrences(of: "00||MDM", with: "00|SEC|MDM")) != base)
        #expect(Self.comparable(Self.original.replacingOccurrences(of: "|D|", with: "|E|")) != base)
    }

    @Test("short headers, other field separators and bytes that are not HL7 compare without a crash", arguments: [
        "MSH|^~\\|A|B|C|D|1", "MSH#^~\\&#A#B#C#D#20261101#SEC#ADT", "MSH|", "MSH", "", "\r\r", "PID|1",
    ])
    func oddInput(text: String) {
        let bytes = HL7ResendComparison.comparableBytes(of: Array(text.utf8))
        #expect(bytes.count <= text.utf8.count)
        if text.hasPrefix("MSH#") {
            #expect(String(decoding: bytes, as: UTF8.self) == "MSH#^~\\&#A#B#C#D##SEC#ADT")
        }
    }
}
