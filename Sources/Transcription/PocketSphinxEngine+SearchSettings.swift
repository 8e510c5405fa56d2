extension PocketSphinxEngine {
    /// How widely a PocketSphinx decoder searches: the beams (`-beam`, `-wbeam`, `-pbeam`), the caps on active HMMs and
    /// word exits per frame (`-maxhmmpf`, `-maxwpf`), the language weight (`-lw`) and the word insertion penalty (`-wip`). Nil leaves PocketSphinx's own
    /// default (5prealpha: beam 1e-48, word beam 7e-29, phone beam 1e-48, 30,000 HMMs, no word cap, weight 6.5,
    /// insertion penalty 0.65).
    ///
    /// A narrower search is faster and, past a point, mishears more; a small language model needs less of it.
    public struct SearchSettings: Sendable, Hashable {
        /// The main pruning beam, a probability ratio (`-beam`).
        public var beam: Double?
        /// The word-exit beam (`-wbeam`).
        public var wordBeam: Double?
        /// The phone-transition beam (`-pbeam`).
        public var phoneBeam: Double?
        /// The most HMMs kept active per frame (`-maxhmmpf`).
        public var maximumHMMsPerFrame: Int?
        /// The most distinct words ending per frame (`-maxwpf`).
        public var maximumWordsPerFrame: Int?
        /// The language model weight (`-lw`).
        public var languageWeight: Double?
        /// The word insertion penalty, a probability (`-wip`): lower makes fewer, longer words.
        public var wordInsertionPenalty: Double?

        /// Creates settings; every value left nil keeps PocketSphinx's default.
        public init(
            beam: Double? = nil, wordBeam: Double? = nil, phoneBeam: Double? = nil, maximumHMMsPerFrame: Int? = nil,
            maximumWordsPerFrame: Int? = nil, languageWeight: Double? = nil, wordInsertionPenalty: Double? = nil
        ) {
            self.beam = beam
            self.wordBeam = wordBeam
            self.phoneBeam = phoneBeam
            self.maximumHMMsPerFrame = maximumHMMsPerFrame
            self.maximumWordsPerFrame = maximumWordsPerFrame
            self.languageWeight = languageWeight
            self.wordInsertionPenalty = wordInsertionPenalty
        }

        /// The clinical model's settings: PocketSphinx's defaults. Measured on the tuning set (Benchmarks/RESULTS.md,
        /// "Clinical speech model"): `-maxhmmpf 3000 -maxwpf 5` saved 17 % of the CPU for WER 0.624 → 0.631,
        /// `-beam 1e-40 -wbeam 1e-24` 34 % for 0.624 → 0.699; language weight 5 / 8 / 10 gave 0.619 / 0.631 / 0.651
        /// against 0.624 at 6.5 (5 is within the noise and slower). The small vocabulary already makes the default
        /// search fast enough.
        public static let clinical = SearchSettings()

        /// The decoder arguments for the values that are set.
        var arguments: [String] {
            var arguments: [String] = []
            if let beam { arguments += ["-beam", "\(beam)"] }
            if let wordBeam { arguments += ["-wbeam", "\(wordBeam)"] }
            if let phoneBeam { arguments += ["-pbeam", "\(phoneBeam)"] }
            if let maximumHMMsPerFrame { arguments += ["-maxhmmpf", "\(maximumHMMsPerFrame)"] }
            if let maximumWordsPerFrame { arguments += ["-maxwpf", "\(maximumWordsPerFrame)"] }
            if let languageWeight { arguments += ["-lw", "\(languageWeight)"] }
            if let wordInsertionPenalty { arguments += ["-wip", "\(wordInsertionPenalty)"] }
            return arguments
        }
    }
}
