import Foundation
import HL7v2
import Testing

@Suite("ED encapsulated data")
struct EncapsulatedDataTests {
    /// The first repetition of OBX-5 of a one-OBX message whose OBX-5 is `value`.
    private func repetition(_ value: String) throws -> HL7Repetition {
        let message = try HL7Message(
            parsing:
                "MSH|^~\\&|A|B|C|D|20261101093000||MDM^T02|C1|P|2.5.1\rOBX|1|ED|18842-5^Audio^LN|1|\(value)||||||F\r")
        let field = try #require(message.segment("OBX")?.field(5))
        return try #require(field.repetition(1))
    }

    @Test("the components are read and the Base64 data decoded")
    func components() throws {
        let bytes = Array("RIFF visit audio bytes \u{0}\u{1}\u{FF}".utf8)
        let encoded = Data(bytes).base64EncodedString()
        let value = try HL7EncapsulatedData(
            try repetition("DICTATE^AU^WAV^Base64^\(encoded)"), types: ["AU"], maximumBytes: 1_000)
        #expect(value.sourceApplication == "DICTATE")
        #expect(value.typeOfData == "AU")
        #expect(value.isAudio)
        #expect(value.dataSubtype == "WAV")
        #expect(value.encoding == "Base64")
        #expect(value.data == bytes)
    }

    @Test(
        "Base64 of every length, with and without padding and line breaks, decodes as Foundation's does",
        arguments: 0...9)
    func base64(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let padded = Data(bytes).base64EncodedString()
        if length == 0 {
            #expect(throws: HL7EncapsulatedDataError(.missingData, "")) {
                try HL7EncapsulatedData.base64Decoded(Array(padded.utf8), maximumBytes: 100)
            }
            return
        }
        #expect(try HL7EncapsulatedData.base64Decoded(Array(padded.utf8), maximumBytes: 100) == bytes)
        let unpadded = padded.replacingOccurrences(of: "=", with: "")
        #expect(try HL7EncapsulatedData.base64Decoded(Array(unpadded.utf8), maximumBytes: 100) == bytes)
        let broken = padded.enumerated().map { $0.offset % 3 == 2 ? "\($0.element)\r\n" : "\($0.element)" }.joined()
        #expect(try HL7EncapsulatedData.base64Decoded(Array(broken.utf8), maximumBytes: 100) == bytes)
    }

    @Test(
        "bad Base64 is refused with its own code",
        arguments: [
            ("QUJD*EFG", HL7EncapsulatedDataError.Code.invalidBase64),  // outside the alphabet
            ("QUJDR", .invalidBase64),  // one character too many
            ("QQ==QQ==", .invalidBase64),  // data after the padding
            ("QQ===", .invalidBase64),  // too much padding
            ("  \r\n", .missingData),
        ])
    func badBase64(text: String, code: HL7EncapsulatedDataError.Code) {
        #expect(throws: HL7EncapsulatedDataError(code, "")) {
            try HL7EncapsulatedData.base64Decoded(Array(text.utf8), maximumBytes: 100)
        }
    }

    @Test("the size limit applies to the decoded bytes, and refuses huge text before decoding it")
    func limits() throws {
        let bytes = [UInt8](repeating: 0x41, count: 300)
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        #expect(try HL7EncapsulatedData.base64Decoded(encoded, maximumBytes: 300).count == 300)
        #expect(throws: HL7EncapsulatedDataError(.tooLarge, "")) {
            try HL7EncapsulatedData.base64Decoded(encoded, maximumBytes: 299)
        }
        #expect(throws: HL7EncapsulatedDataError(.tooLarge, "")) {
            try HL7EncapsulatedData.base64Decoded(encoded, maximumBytes: 10)
        }
    }

    @Test(
        "a type of data other than the ones asked for, or an encoding other than Base64, is refused",
        arguments: [
            ("DICTATE^AP^PDF^Base64^QUJD", HL7EncapsulatedDataError.Code.unsupportedTypeOfData),
            ("DICTATE^^WAV^Base64^QUJD", .missingTypeOfData),
            ("DICTATE^AU^WAV^Hex^414243", .unsupportedEncoding),
            ("DICTATE^AU^WAV^^QUJD", .unsupportedEncoding),
            ("DICTATE^AU^WAV^Base64", .missingData),
        ])
    func wrongType(value: String, code: HL7EncapsulatedDataError.Code) throws {
        let repetition = try repetition(value)
        #expect(throws: HL7EncapsulatedDataError(code, "")) {
            try HL7EncapsulatedData(repetition, types: ["AU"], maximumBytes: 100)
        }
    }

    @Test("reasons name components, never the values sent")
    func reasons() throws {
        let repetition = try repetition("DICTATE^PATIENT SMITH NOTES^WAV^Base64^QUJD")
        do {
            _ = try HL7EncapsulatedData(repetition, types: ["AU"], maximumBytes: 100)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .unsupportedTypeOfData)
            #expect(!error.reason.contains("SMITH"))
            #expect(error.reason.contains("ED.2"))
        }
    }
}
