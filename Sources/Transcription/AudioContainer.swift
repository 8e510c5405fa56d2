/// The audio containers NoteBridge accepts, recognised by their first bytes (magic numbers), never by a file name
/// or a declared media type.
///
/// Signatures checked:
///
/// ```
/// MP3        "ID3" v2.2–2.4 tag (skipped; then an MPEG audio frame or FLAC), or an MPEG audio frame header:
///            11 sync bits, a valid version, layer I–III, a bitrate index other than 15, a sample rate index other than 3
/// M4A / MP4  a box size, then "ftyp" (bytes 4–7), with a brand that is not a still image (HEIF, AVIF)
/// WAV        "RIFF" or "RF64", a size, then "WAVE" (bytes 8–11)
/// OGG        "OggS"
/// WebM / MKV EBML magic 1A 45 DF A3
/// FLAC       "fLaC"
/// ```
public enum AudioContainer: String, Sendable, Hashable, CaseIterable, Codable {
    case mp3
    case m4a
    case wav
    case ogg
    case webm
    case flac

    /// How many leading bytes ``recognize(_:)`` needs at most, once any ID3 tag is skipped.
    public static let signatureLength = 16

    /// The ffmpeg demuxer that reads this container; the decoder forces it instead of letting ffmpeg probe.
    var ffmpegDemuxer: String {
        switch self {
        case .mp3: "mp3"
        case .m4a: "mov"
        case .wav: "wav"
        case .ogg: "ogg"
        case .webm: "matroska"
        case .flac: "flac"
        }
    }

    /// The container whose signature `bytes` begins with, or nil.
    ///
    /// When `bytes` starts with an ID3v2 tag whose end lies beyond `bytes`, the answer is ``mp3``: the tag says so,
    /// and ffmpeg's MP3 demuxer then checks the frames.
    public static func recognize(_ bytes: some Collection<UInt8>) -> AudioContainer? {
        let head = Array(bytes.prefix(4096))
        if let tagLength = id3TagLength(head) {
            guard head.count > tagLength else { return .mp3 }
            return recognize(afterID3Tag: bytes.dropFirst(tagLength))
        }
        return recognizeUntagged(head)
    }

    /// The container of the bytes that follow an ID3v2 tag: FLAC or MPEG audio, or nil.
    public static func recognize(afterID3Tag bytes: some Collection<UInt8>) -> AudioContainer? {
        let rest = Array(bytes.prefix(signatureLength))
        if rest.starts(with: Array("fLaC".utf8)) { return .flac }
        return isMPEGAudioFrame(rest) ? .mp3 : nil
    }

    /// The length in bytes of the ID3v2 tag (header, body and footer) at the start of `bytes`, or nil when there is
    /// none. The size is four 7-bit bytes (ID3v2.4 §3.1).
    public static func id3TagLength(_ bytes: some Collection<UInt8>) -> Int? {
        let header = Array(bytes.prefix(10))
        guard header.count == 10, header.starts(with: Array("ID3".utf8)) else { return nil }
        let major = header[3]
        guard (2...4).contains(major), header[4] != 0xFF else { return nil }
        let sizeBytes = header[6..<10]
        guard sizeBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let size = sizeBytes.reduce(0) { ($0 << 7) | Int($1) }
        let footer = major == 4 && header[5] & 0x10 != 0 ? 10 : 0
        return 10 + size + footer
    }

    private static func recognizeUntagged(_ bytes: [UInt8]) -> AudioContainer? {
        func ascii(_ text: String, at offset: Int) -> Bool {
            let pattern = Array(text.utf8)
            guard bytes.count >= offset + pattern.count else { return false }
            return Array(bytes[offset..<offset + pattern.count]) == pattern
        }
        if ascii("fLaC", at: 0) { return .flac }
        if ascii("OggS", at: 0) { return .ogg }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        if (ascii("RIFF", at: 0) || ascii("RF64", at: 0)) && ascii("WAVE", at: 8) { return .wav }
        if ascii("ftyp", at: 4) {
            guard bytes.count >= 12 else { return nil }
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            let stillImages: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"]
            return stillImages.contains(brand) ? nil : .m4a
        }
        if isMPEGAudioFrame(bytes) { return .mp3 }
        return nil
    }

    /// Whether `bytes` begins with a plausible MPEG audio (layer I–III) frame header (ISO/IEC 11172-3 §2.4.1.3).
    static func isMPEGAudioFrame(_ bytes: some Collection<UInt8>) -> Bool {
        let header = Array(bytes.prefix(4))
        guard header.count == 4, header[0] == 0xFF, header[1] & 0xE0 == 0xE0 else { return false }
        let version = (header[1] >> 3) & 0x03
        let layer = (header[1] >> 1) & 0x03
        let bitrateIndex = header[2] >> 4
        let sampleRateIndex = (header[2] >> 2) & 0x03
        return version != 0x01 && layer != 0x00 && bitrateIndex != 0x0F && sampleRateIndex != 0x03
    }
}
