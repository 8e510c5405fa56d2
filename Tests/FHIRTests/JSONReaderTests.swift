import FHIR
import Foundation
import Testing

enum Examples {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/eval/fhir")

    /// The JSON examples of ../shared/eval/fhir (FHIR spec, US Core and IPS examples; see its SOURCES.tsv).
    static var json: [URL] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}

@Suite("JSON reader and writer")
struct JSONReaderTests {
    let reader = JSONReader()

    @Test("The shared FHIR JSON examples read and write back unchanged (order, numbers, strings)")
    func roundTrip() throws {
        let files = Examples.json
        #expect(files.count >= 10)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            let value = try reader.read(bytes)
            let compact = JSONWriter.write(value)
            #expect(try reader.read(compact) == value, "\(file.lastPathComponent)")
            #expect(try reader.read(JSONWriter.write(value, pretty: true)) == value)
            // An independent reader agrees on the content.
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSObject
            let ours = try JSONSerialization.jsonObject(with: Data(compact)) as? NSObject
            #expect(theirs == ours, "\(file.lastPathComponent)")
        }
    }

    @Test("Member order, number text and escapes are kept")
    func fidelity() throws {
        let text = #"{"z":1.50,"a":[1e3,-0,0.000],"s":"line\nbreak \"q\" \u00e9 \ud83d\ude00 /","_z":{"id":"x"}}"#
        let value = try reader.read(Array(text.utf8))
        #expect(value.members?.map(\.key) == ["z", "a", "s", "_z"])
        #expect(value["z"] == .number("1.50"))
        #expect(value["a"]?.array == [.number("1e3"), .number("-0"), .number("0.000")])
        #expect(value["s"]?.string == "line\nbreak \"q\" é 😀 /")
        #expect(
            String(decoding: JSONWriter.write(value), as: UTF8.self)
                == #"{"z":1.50,"a":[1e3,-0,0.000],"s":"line\nbreak \"q\" é 😀 /","_z":{"id":"x"}}"#)
    }

    @Test("Strings are written with the escapes JSON needs and nothing else escaped")
    func writtenEscapes() throws {
        let value = JSONValue.array([
            .string("plain text, é 😀 / <b>"), .string("q\"b\\n\nr\rt\tb\u{8}f\u{C}"),
            .string("\u{0}\u{1}\u{1F}\u{7F}"), .string(""),
        ])
        #expect(
            String(decoding: JSONWriter.write(value), as: UTF8.self)
                == #"["plain text, é 😀 / <b>","q\"b\\n\nr\rt\tb\bf\f","\u0000\u0001\u001f\#u{7F}",""]"#)
        #expect(try reader.read(JSONWriter.write(value)) == value)
    }

    @Test(
        "Malformed input gets a located error, never a crash",
        arguments: [
            ("", FHIRParseError.Code.malformedJSON, 0),
            ("{", .malformedJSON, 1),
            (#"{"a" 1}"#, .malformedJSON, 5),
            (#"{"a":1,}"#, .malformedJSON, 7),
            (#"[1 2]"#, .malformedJSON, 3),
            (#"{"a":01}"#, .malformedJSON, 5),
            (#"{"a":1} x"#, .malformedJSON, 8),
            (#"{"a":"\ud800"}"#, .malformedJSON, 12),
            (#"{"a":"\q"}"#, .malformedJSON, 8),
            ("{\"a\":\"tab\there\"}", .malformedJSON, 9),
            (#"{"a":1,"a":2}"#, .duplicateMember, 7),
            (#"{"a":tru}"#, .malformedJSON, 5),
        ])
    func malformed(text: String, code: FHIRParseError.Code, offset: Int) {
        #expect {
            try reader.read(Array(text.utf8))
        } throws: { error in
            guard let error = error as? FHIRParseError else { return false }
            return error.code == code && error.offset == offset
        }
    }

    @Test("Limits: size, depth and UTF-8")
    func limits() {
        let small = JSONReader(limits: .init(maximumBytes: 10, maximumDepth: 3))
        #expect(throws: FHIRParseError.self) { try small.read(Array(#"{"a":"0123456789"}"#.utf8)) }
        #expect((try? small.read(Array("[[[1]]]".utf8))) != nil)
        do {
            _ = try small.read(Array("[[[[1]]]]".utf8))
            Issue.record("4 levels read with a limit of 3")
        } catch {
            #expect(error.code == .tooDeep)
        }
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: FHIRParseError.self) { try reader.read(deep) }
        do {
            _ = try reader.read([0x22, 0xFF, 0xFE, 0x22])
            Issue.record("invalid UTF-8 read")
        } catch {
            #expect(error.code == .notUTF8)
        }
    }

    @Test("Random damage to a real document never crashes the reader")
    func fuzz() throws {
        let file = try #require(Examples.json.first)
        let original = Array(try Data(contentsOf: file))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
            }
            if let value = try? reader.read(bytes) {
                #expect(try reader.read(JSONWriter.write(value)) == value)
            }
        }
    }
}
