import Foundation
import HL7v2
import Testing

/// Bad input never crashes: thousands of deterministic mutations of the sample corpus either parse (and then
/// round-trip and decode) or fail with a located `HL7ParseError`.
@Suite("Mutated input")
struct MutationTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting: [UInt8] = Array("|^~\\&\r\n#XF.brHMSH\"".utf8) + [0x00, 0x0B, 0x1C, 0x80, 0xC3, 0xFF, 0xE9]

    static func mutate(_ input: [UInt8], using generator: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[position] = interesting.randomElement(using: &generator) ?? 0
            case 1: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
            case 2: bytes.remove(at: position)
            case 3:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes[position] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return bytes
    }

    @Test("5,000 mutations of the corpus never trap")
    func mutations() throws {
        let files = try TestData.corpusFiles()
        #expect(files.count >= 100)
        let originals = try files.map { Array(try Data(contentsOf: $0)) }
        var generator = Generator(state: 20_261_129)
        var parsed = 0
        var rejected = 0
        for round in 0..<5_000 {
            let original = originals[round % originals.count]
            let input = Self.mutate(original, using: &generator)
            do {
                let message = try HL7Message(parsing: input)
                parsed += 1
                for segment in message.segments {
                    for field in segment.fields {
                        for repetition in field.repetitions {
                            for component in repetition.components { _ = component.subcomponents }
                        }
                    }
                }
                _ = message.jsonString()
                _ = HL7ReceivedHeader(message: message)
                #expect(try HL7Message(parsing: message.encoded()).bytes == message.bytes)
            } catch {
                rejected += 1
                #expect(error.location == nil || (error.location?.segmentIndex ?? 0) >= 1)
                _ = HL7ReceivedHeader(probing: input)
            }
        }
        #expect(parsed > 500)
        #expect(rejected > 500)
    }
}
