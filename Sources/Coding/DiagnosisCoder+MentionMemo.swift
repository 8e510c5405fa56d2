extension DiagnosisCoder {
    /// The conditions each clause names (``mentions(in:)``), read once for every pass of one ``codes(for:...)`` call:
    /// the coded statements, the presenting symptoms, then the managed conditions, the family cancers and the
    /// elevated reading over the same visit sentences, and the ranking's chief complaint ask for the same clauses
    /// again and again (on a long transcript, up to three readings of every sentence of the visit).
    /// ``mentions(in:)`` depends on the words only, so a remembered answer is the answer.
    ///
    /// One memo belongs to one call on one thread; it is never shared.
    final class MentionMemo {
        /// A clause's words compared by their UTF-8 bytes (not by `String`'s canonical equivalence), so that the
        /// memo answers only for the very same words that were read.
        struct Clause: Hashable {
            let words: [String]

            static func == (lhs: Clause, rhs: Clause) -> Bool {
                lhs.words.count == rhs.words.count
                    && zip(lhs.words, rhs.words).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
            }

            func hash(into hasher: inout Hasher) {
                hasher.combine(words.count)
                for word in words {
                    hasher.combine(word.utf8.count)
                    let contiguous: Void? = word.utf8.withContiguousStorageIfAvailable {
                        hasher.combine(bytes: UnsafeRawBufferPointer($0))
                    }
                    if contiguous == nil {
                        for byte in word.utf8 { hasher.combine(byte) }
                    }
                }
            }
        }

        private let coder: DiagnosisCoder
        private var known: [Clause: [Mention]] = [:]

        init(coder: DiagnosisCoder) {
            self.coder = coder
        }

        /// What ``DiagnosisCoder/mentions(in:)`` gives for `words`, read the first time they are asked for.
        func mentions(in words: [String]) -> [Mention] {
            let clause = Clause(words: words)
            if let found = known[clause] { return found }
            let found = coder.mentions(in: words)
            known[clause] = found
            return found
        }
    }
}
