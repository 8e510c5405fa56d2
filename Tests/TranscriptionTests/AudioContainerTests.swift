import Testing

@testable import Transcription

@Suite("AudioContainer: recognised by content")
struct AudioContainerTests {
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let signatures: [(String, [UInt8], AudioContainer?)] = [
        ("MPEG-1 layer III frame", [0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0], .mp3),
        ("MPEG-2 layer III frame", [0xFF, 0xF3, 0x48, 0xC4, 0, 0, 0, 0], .mp3),
        ("ID3v2.4 tag then a frame", ascii("ID3") + [4, 0, 0, 0, 0, 0, 4] + [0, 0, 0, 0] + [0xFF, 0xFB, 0x90, 0x64], .mp3),
        ("ID3v2.3 tag then FLAC", ascii("ID3") + [3, 0, 0, 0, 0, 0, 2] + [0, 0] + ascii("fLaC") + [0, 0, 0, 34], .flac),
        ("ID3 tag then text", ascii("ID3") + [3, 0, 0, 0, 0, 0, 2] + [0, 0] + ascii("hello world"), nil),
        ("ID3 tag longer than the bytes", ascii("ID3") + [3, 0, 0, 0, 0x7F, 0x7F, 0x7F] + [0, 0, 0], .mp3),
        ("M4A", [0, 0, 0, 0x20] + ascii("ftypM4A ") + [0, 0, 2, 0], .m4a),
        ("MP4", [0, 0, 0, 0x18] + ascii("ftypisom") + [0, 0, 2, 0], .m4a),
        ("WAV", ascii("RIFF") + [0x24, 0x08, 0, 0] + ascii("WAVEfmt "), .wav),
        ("RF64 WAV", ascii("RF64") + [0xFF, 0xFF, 0xFF, 0xFF] + ascii("WAVEds64"), .wav),
        ("OGG", ascii("OggS") + [0, 2, 0, 0, 0, 0, 0, 0], .ogg),
        ("WebM", [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81], .webm),
        ("FLAC", ascii("fLaC") + [0, 0, 0, 34], .flac),
        ("PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D], nil),
        ("JPEG", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46], nil),
        ("AVI (RIFF but not WAVE)", ascii("RIFF") + [0x24, 0x08, 0, 0] + ascii("AVI LIST"), nil),
        ("HEIC still image", [0, 0, 0, 0x18] + ascii("ftypheic") + [0, 0, 0, 0], nil),
        ("ADTS AAC (layer bits 00)", [0xFF, 0xF1, 0x50, 0x80, 0, 0, 0], nil),
        ("PDF", ascii("%PDF-1.7\n"), nil),
        ("text claiming to be audio", ascii("audio/mpeg: not really"), nil),
        ("empty", [], nil),
        ("one byte", [0xFF], nil),
    ]

    @Test("signatures", arguments: signatures.indices)
    func recognises(index: Int) {
        let (name, bytes, expected) = Self.signatures[index]
        #expect(AudioContainer.recognize(bytes) == expected, "\(name)")
    }

    @Test("random and truncated bytes never crash the recogniser")
    func randomBytes() {
        var state: UInt64 = 0xA0D10
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 40)
        }
        for length in 0..<64 {
            for _ in 0..<200 {
                _ = AudioContainer.recognize((0..<length).map { _ in next() })
            }
        }
        for (_, bytes, _) in Self.signatures {
            for length in 0...bytes.count { _ = AudioContainer.recognize(bytes.prefix(length)) }
        }
    }

    @Test("an ID3 tag's length counts its 7-bit size bytes and a v2.4 footer")
    func id3Length() {
        #expect(AudioContainer.id3TagLength(Self.ascii("ID3") + [3, 0, 0, 0, 0, 1, 0x7F]) == 10 + 255)
        #expect(AudioContainer.id3TagLength(Self.ascii("ID3") + [4, 0, 0x10, 0, 0, 0, 5]) == 10 + 5 + 10)
        #expect(AudioContainer.id3TagLength(Self.ascii("ID3") + [3, 0, 0, 0, 0x80, 0, 0]) == nil)
        #expect(AudioContainer.id3TagLength(Self.ascii("ID3") + [9, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test("PocketSphinx tokens become words")
    func spokenWords() {
        #expect(PocketSphinxDecoder.spokenWord("read(2)") == "read")
        #expect(PocketSphinxDecoder.spokenWord("fever") == "fever")
        #expect(PocketSphinxDecoder.spokenWord("<sil>") == nil)
        #expect(PocketSphinxDecoder.spokenWord("</s>") == nil)
        #expect(PocketSphinxDecoder.spokenWord("[NOISE]") == nil)
        #expect(PocketSphinxDecoder.spokenWord("++UH++") == nil)
        #expect(PocketSphinxDecoder.spokenWord("b(a)") == "b(a)")
    }
}
