import Foundation
import HL7v2
import Testing

@Suite("Building messages")
struct BuilderTests {
    @Test("a message built in code escapes its values and reads back")
    func build() throws {
        var builder = HL7MessageBuilder()
        try builder.set("NOTEBRIDGE", at: "MSH-3")
        try builder.set("MDM", at: "MSH-9.1")
        try builder.set("T02", at: "MSH-9.2")
        try builder.set("ID-1", at: "MSH-10")
        try builder.set("P", at: "MSH-11")
        try builder.set("2.5.1", at: "MSH-12")
        try builder.set("1", at: "TXA-1")
        try builder.set("Plan: rest | fluids ^ follow-up\nReturn in 2 weeks", at: "OBX-5")
        try builder.set("second", at: "OBX-5(2)")
        try builder.set("deep", at: "ZNB-4.2.3")
        try builder.setNull(at: try HL7TerserPath(parsing: "PID-8"))
        let message = try builder.build()
        #expect(message.er7.hasPrefix("MSH|^~\\&|NOTEBRIDGE||||||MDM^T02|ID-1|P|2.5.1\r"))
        #expect(message.segments.map(\.name) == ["MSH", "TXA", "OBX", "ZNB", "PID"])
        #expect(message["OBX-5"] == "Plan: rest | fluids ^ follow-up\nReturn in 2 weeks")
        #expect(message["OBX-5(2)"] == "second")
        #expect(message["ZNB-4.2.3"] == "deep")
        #expect(message.presence(at: try HL7TerserPath(parsing: "PID-8")) == .null)
    }

    @Test("setting a value on a parsed message keeps everything else")
    func edit() throws {
        let bytes = try TestData.fixture("adt-a04-synthetic.hl7")
        let message = try HL7Message(parsing: bytes)
        let edited = try message.setting("CTRL-9999", at: try HL7TerserPath(parsing: "MSH-10"))
        #expect(edited["MSH-10"] == "CTRL-9999")
        let original = String(decoding: bytes, as: UTF8.self)
        #expect(edited.er7 == original.replacingFirst("CTRL-0001", with: "CTRL-9999"))
    }

    @Test("builder with non-standard delimiters")
    func customDelimiters() throws {
        let delimiters = HL7Delimiters(
            field: UInt8(ascii: "#"), component: UInt8(ascii: "$"), repetition: UInt8(ascii: "*"),
            escape: UInt8(ascii: "!"), subcomponent: UInt8(ascii: "@"))
        var builder = HL7MessageBuilder(delimiters: delimiters)
        try builder.set("a#b$c", at: "NTE-3")
        let message = try builder.build()
        #expect(message.er7 == "MSH#$*!@\rNTE###a!F!b!S!c\r")
        #expect(message["NTE-3"] == "a#b$c")
    }

    @Test("MSH-1 and MSH-2 cannot be set")
    func headerLiterals() {
        var builder = HL7MessageBuilder()
        #expect(throws: HL7ParseError.self) { try builder.set("x", at: "MSH-2") }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
