import FHIR
import Foundation
import Testing

@Suite("FHIR XML")
struct FHIRXMLTests {
    let reader = FHIRXMLReader()
    let writer = FHIRXMLWriter()

    /// The value with every object's members sorted by name (JSON member order carries no meaning in FHIR) and
    /// narrative divs in one spelling (`<span></span>` and `<span/>` are the same XHTML).
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(
                members.map { member in
                    if member.key == "div", let text = member.value.string {
                        return JSONMember("div", .string(FHIRXMLReader.normalizedXHTML(text) ?? text))
                    }
                    return JSONMember(member.key, canonical(member.value))
                }.sorted { $0.key < $1.key })
        case .array(let items):
            return .array(items.map(canonical))
        default:
            return value
        }
    }

    /// The path of the first difference between two values, for failure messages.
    static func difference(_ a: JSONValue, _ b: JSONValue, _ path: String = "") -> String? {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let keys = Set(x.map(\.key)).union(y.map(\.key)).sorted()
            for key in keys {
                guard let left = a[key], let right = b[key] else { return "\(path).\(key) present on one side" }
                if let found = difference(left, right, "\(path).\(key)") { return found }
            }
            return nil
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return "\(path) counts \(x.count) vs \(y.count)" }
            for (index, pair) in zip(x, y).enumerated() {
                if let found = difference(pair.0, pair.1, "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return a == b ? nil : "\(path): \(a) vs \(b)"
        }
    }

    @Test("Each shared JSON example, written as XML and read back, is the same resource")
    func jsonThroughXML() throws {
        var checked = 0
        for file in Examples.json where !file.lastPathComponent.hasPrefix("StructureDefinition") {
            let json = try JSONReader().read(Array(try Data(contentsOf: file)))
            let xml = try writer.write(json)
            let back = try reader.read(xml)
            #expect(
                Self.canonical(back) == Self.canonical(json),
                "\(file.lastPathComponent): \(Self.difference(back, json).map { String($0.prefix(300)) } ?? "")")
            // Read back and written again, the XML is byte-identical from then on.
            let xml2 = try writer.write(back)
            #expect(try writer.write(try reader.read(xml2)) == xml2)
            checked += 1
        }
        #expect(checked >= 8)
    }

    @Test("The IPS XML example reads as JSON, and writes back to the same resource")
    func xmlThroughJSON() throws {
        let file = Examples.root.appendingPathComponent("ips/IPS-bundle-01.xml")
        let json = try reader.read(Array(try Data(contentsOf: file)))
        #expect(json["resourceType"]?.string == "Bundle")
        #expect((json["entry"]?.array?.count ?? 0) > 5)
        let again = try reader.read(try writer.write(json))
        #expect(again == json)
        // And the JSON text reads back identically.
        #expect(try JSONReader().read(JSONWriter.write(json)) == json)
    }

    @Test("Primitive ids and extensions go to the _name form; arrays line up with nulls")
    func primitiveExtensions() throws {
        let xml = """
            <Patient xmlns="http://hl7.org/fhir"><id value="p1"/><active value="true"/>\
            <name><given value="Ann"/><given id="g2"><extension url="http://example.org/x">\
            <valueString value="a &amp; b"/></extension></given></name><birthDate value="1970-03-30"/>\
            <multipleBirthInteger value="2"/></Patient>
            """
        let json = try reader.read(Array(xml.utf8))
        let name = try #require(json["name"]?.array?.first)
        #expect(name["given"] == .array([.string("Ann"), .null]))
        let extra = try #require(name["_given"]?.array)
        #expect(extra.first == .null)
        #expect(extra.last?["id"] == .string("g2"))
        #expect(extra.last?["extension"]?.array?.first?["valueString"] == .string("a & b"))
        #expect(json["active"] == .bool(true))
        #expect(json["multipleBirthInteger"] == .number("2"))
        #expect(try reader.read(try writer.write(json)) == json)
    }

    @Test("DOCTYPE and external entities are refused; bad XML gets a specific error", arguments: [
        (#"<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>"#, "doctypeRefused"),
        (#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Patient xmlns="http://hl7.org/fhir"/>"#, "doctypeRefused"),
        (#"<Patient xmlns="http://hl7.org/fhir"><id value="1"></Patient>"#, "malformedXML"),
        (#"<Patient><id value="1"/></Patient>"#, "invalidStructure"),
        (#"<Patient xmlns="http://hl7.org/fhir"><shoeSize value="9"/></Patient>"#, "invalidStructure"),
        (#"<Patient xmlns="http://hl7.org/fhir"><active value="yes"/></Patient>"#, "invalidStructure"),
        (#"<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><gender value="female"/></Patient>"#, "invalidStructure"),
        (#"<Alien xmlns="http://hl7.org/fhir"/>"#, "invalidStructure"),
        ("", "malformedXML"),
        // Well-formed, but deeper than libxml2 parses (256): too deep, not "not well-formed XML".
        (#"<Bundle xmlns="http://hl7.org/fhir">"# + String(repeating: "<entry>", count: 300)
            + String(repeating: "</entry>", count: 300) + "</Bundle>", "tooDeep"),
    ])
    func refused(xml: String, code: String) {
        do {
            _ = try reader.read(Array(xml.utf8))
            Issue.record("read without error")
        } catch {
            #expect(error.code.description == code, "\(error)")
            #expect(!error.description.contains("passwd"))
        }
    }

    @Test("Size and depth limits hold for XML")
    func limits() {
        let small = FHIRXMLReader(limits: .init(maximumBytes: 64, maximumDepth: 3))
        #expect(throws: FHIRParseError.self) {
            try small.read(Array(#"<Patient xmlns="http://hl7.org/fhir"><id value="0123456789012345678901234567890123"/></Patient>"#.utf8))
        }
        let nested = #"<Bundle xmlns="http://hl7.org/fhir"><entry><resource><Bundle><entry><resource><Patient/></resource></entry></Bundle></resource></entry></Bundle>"#
        do {
            _ = try FHIRXMLReader(limits: .init(maximumDepth: 3)).read(Array(nested.utf8))
            Issue.record("nested beyond the limit")
        } catch {
            #expect(error.code == .tooDeep)
        }
        #expect((try? reader.read(Array(nested.utf8))) != nil)
    }

    @Test("An element with tens of thousands of attributes is refused before libxml2 parses it")
    func attributeFlood() {
        // libxml2 2.9 compares each attribute with every earlier one: 50,000 of them used to take over ten seconds
        // of CPU in xmlReadMemory on a /fhir request, and a 1 MiB body about a minute.
        let attributes = (0..<50_000).map { "a\($0)=\"1\"" }.joined(separator: " ")
        let flood = #"<Patient xmlns="http://hl7.org/fhir" "# + attributes + "/>"
        do {
            _ = try reader.read(Array(flood.utf8))
            Issue.record("read without error")
        } catch {
            #expect(error.code == .tooManyAttributes)
            #expect(error.offset == 0)
        }
        // At the limit the document is parsed (and refused for what the attributes are); one more is too many.
        let limit = FHIRXMLReader.maximumAttributesPerElement
        let atLimit = #"<Patient xmlns="http://hl7.org/fhir" "# + (1..<limit).map { "a\($0)='1'" }.joined(separator: " ")
        for (xml, code) in [(atLimit + "/>", FHIRParseError.Code.invalidStructure), (atLimit + " b='2'/>", .tooManyAttributes)] {
            do {
                _ = try reader.read(Array(xml.utf8))
                Issue.record("read without error")
            } catch {
                #expect(error.code == code, "\(error)")
            }
        }
    }

    @Test("Equals signs in comments, CDATA, text and quoted values are not counted as attributes")
    func attributeCountIgnoresText() throws {
        let many = String(repeating: "k=v ", count: 200)
        let xml = #"<?xml version="1.0"?><!-- "# + many + #" --><Patient xmlns="http://hl7.org/fhir">"#
            + #"<id value="a=b>c"/><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">"#
            + "<p>" + many + "</p><![CDATA[" + many + "]]></div></text></Patient>"
        let json = try reader.read(Array(xml.utf8))
        #expect(json["id"] == .string("a=b>c"))
    }

    @Test("The writer refuses what FHIR does not define, naming the path")
    func writerRefuses() throws {
        let unknown = try JSONReader().read(Array(#"{"resourceType":"Patient","shoeSize":9}"#.utf8))
        do {
            _ = try writer.write(unknown)
            Issue.record("written")
        } catch {
            #expect(error.path == "Patient.shoeSize")
        }
        let badDiv = try JSONReader().read(
            Array(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>unclosed</div>"}}"#.utf8))
        #expect(throws: FHIRParseError.self) { try writer.write(badDiv) }
    }
}
