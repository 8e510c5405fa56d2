import CPocketSphinx
import Foundation

/// One PocketSphinx decoder (`ps_decoder_t`) over the PocketSphinx 5prealpha C API: configuration by
/// `cmd_ln_parse_r` over `ps_args()`, then `ps_start_utt`, `ps_process_raw`, `ps_end_utt` and `ps_seg_iter` per
/// utterance.
///
/// A decoder is not thread-safe: each worker thread makes and uses its own.
final class PocketSphinxDecoder {
    private let decoder: OpaquePointer
    private let framesPerSecond: Double

    /// Loads the model. PocketSphinx's own log (which would print hypotheses) is switched off first.
    init(model: PocketSphinxEngine.Model) throws(TranscriptionError) {
        _ = PocketSphinxLog.silenced
        let arguments =
            ["-hmm", model.acousticModel, "-lm", model.languageModel, "-dict", model.dictionary]
            + model.search.arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        let config = cArguments.withUnsafeMutableBufferPointer { buffer in
            cmd_ln_parse_r(nil, ps_args(), Int32(buffer.count), buffer.baseAddress, 1)
        }
        guard let config else {
            throw TranscriptionError(.engineUnavailable, reason: "the PocketSphinx configuration was refused")
        }
        defer { cmd_ln_free_r(config) }
        guard let decoder = ps_init(config) else {
            throw TranscriptionError(
                .engineUnavailable,
                reason: "the PocketSphinx model could not be loaded (acoustic model, language model or dictionary)")
        }
        self.decoder = decoder
        let frameRate = ps_get_config(decoder).map { cmd_ln_int_r($0, "-frate") } ?? 100
        framesPerSecond = Double(frameRate > 0 ? frameRate : 100)
    }

    deinit {
        ps_free(decoder)
    }

    /// Decodes one utterance that starts `offset` seconds into the recording; the words' times are from the start of
    /// the recording. Returns nil when `isCancelled` is already true.
    func decode(
        _ samples: ArraySlice<Int16>, span: AudioSpan, offset: Double, isCancelled: () -> Bool
    ) throws(TranscriptionError) -> SpeechTranscript.Segment? {
        guard ps_start_utt(decoder) >= 0 else {
            throw TranscriptionError(.engineFailed, reason: "PocketSphinx could not start an utterance")
        }
        if isCancelled() {
            _ = ps_end_utt(decoder)
            return nil
        }
        // The whole segment in one call, marked as a full utterance: PocketSphinx then normalises the cepstra over
        // the segment (batch CMN). Fed in pieces, it adapts the mean as it goes and a short segment is misheard
        // (measured: "the patient has a golf and a fever" whole, "that i should i got an f b o or" in 0.5 s pieces).
        let status = Self.dithered(samples).withUnsafeBufferPointer { buffer in
            ps_process_raw(decoder, buffer.baseAddress, buffer.count, 0, 1)
        }
        guard status >= 0 else {
            _ = ps_end_utt(decoder)
            throw TranscriptionError(.engineFailed, reason: "PocketSphinx failed on the audio")
        }
        guard ps_end_utt(decoder) >= 0 else {
            throw TranscriptionError(.engineFailed, reason: "PocketSphinx could not end an utterance")
        }
        var words: [SpeechTranscript.Word] = []
        var iterator = ps_seg_iter(decoder)
        while let segment = iterator {
            if let raw = ps_seg_word(segment), let word = Self.spokenWord(String(cString: raw)) {
                var startFrame: Int32 = 0
                var endFrame: Int32 = 0
                ps_seg_frames(segment, &startFrame, &endFrame)
                let wordSpan = AudioSpan(
                    start: offset + Double(startFrame) / framesPerSecond,
                    end: offset + Double(endFrame + 1) / framesPerSecond)
                words.append(SpeechTranscript.Word(text: word, span: wordSpan))
            }
            iterator = ps_seg_next(segment)
        }
        return SpeechTranscript.Segment(span: span, text: words.map(\.text).joined(separator: " "), words: words)
    }

    /// The samples with ±1 of deterministic noise added. Stretches of digital zero (silence padded by an editor or
    /// an encoder) have no energy at all, which derails PocketSphinx's features: measured, "she has a fever and
    /// headache" became "see cause of the rare and authentic" after 2.5 s of zeros. PocketSphinx's own `-dither`
    /// draws from one process-wide generator that parallel decoders would share; this one is seeded the same for
    /// every segment, so a recording always gives the same transcript.
    static func dithered(_ samples: ArraySlice<Int16>) -> [Int16] {
        var state: UInt32 = 0x9E37_79B9
        return samples.map { sample in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            let noise = Int32(state % 3) - 1
            return Int16(clamping: Int32(sample) + noise)
        }
    }

    /// The word a PocketSphinx segment names, without its alternative-pronunciation mark (`read(2)`), or nil for
    /// silence, sentence marks and fillers (`<sil>`, `<s>`, `</s>`, `[NOISE]`, `++UH++`).
    static func spokenWord(_ token: String) -> String? {
        guard let first = token.first, first != "<", first != "[", first != "+" else { return nil }
        var word = Substring(token)
        if word.hasSuffix(")"), let open = word.lastIndex(of: "("),
            word[word.index(after: open)..<word.index(before: word.endIndex)].allSatisfy(\.isNumber)
        {
            word = word[..<open]
        }
        return word.isEmpty ? nil : String(word)
    }
}

/// Switches PocketSphinx's process-wide log off once: it would print configuration and hypotheses (PHI) to
/// standard error.
enum PocketSphinxLog {
    static let silenced: Bool = {
        err_set_logfp(nil)
        return true
    }()
}
