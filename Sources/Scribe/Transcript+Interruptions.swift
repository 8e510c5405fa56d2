/// A sentence the other speaker's acknowledgement cut in two: `which could make your-` / `[patient] mm-hmm .`
/// / `[doctor] . blood pressure go up .` is one sentence of the clinician's, `which could make your blood
/// pressure go up.` Read apart, the first half ends mid-phrase and the second starts without a subject.
extension Transcript {
    /// What the other speaker says while listening, without answering anything.
    static let acknowledgements: Set<String> = [
        "mm-hmm", "mhm", "mm", "hmm", "uh-huh", "um-hum", "okay", "ok", "right", "sure", "uh", "um",
    ]

    /// The most words an acknowledgement has.
    static let acknowledgementWords = 3

    /// Joins each sentence that ends cut off (a word with a trailing hyphen) and is not a question to the first
    /// sentence of the same speaker's next turn, when only an acknowledgement lies between. The joined sentence
    /// spans both parts; the acknowledgement and the turn labels between them read as spaces in its text, so
    /// every word keeps its offset in the transcript. Sentences stay in order and do not overlap.
    static func joiningInterrupted(
        _ sentences: [Sentence], turns: [Turn], scalars: [Unicode.Scalar]
    ) -> [Sentence] {
        var joined: [Sentence] = []
        joined.reserveCapacity(sentences.count)
        var index = 0
        while index < sentences.count {
            var sentence = sentences[index]
            index += 1
            while let (acknowledgement, continuation) = interruption(
                after: sentence, at: index, in: sentences, turns: turns, scalars: scalars)
            {
                var text = Array(scalars[sentence.range.lowerBound..<continuation.range.upperBound])
                // From the cut-off hyphen to the continuation: spaces.
                let gap = (sentence.range.upperBound - 1)..<continuation.range.lowerBound
                for offset in gap { text[offset - sentence.range.lowerBound] = " " }
                sentence = Sentence(
                    range: sentence.range.lowerBound..<continuation.range.upperBound, turn: sentence.turn,
                    speaker: sentence.speaker, text: string(text[...]))
                index = acknowledgement.upperBound + 1
            }
            joined.append(sentence)
        }
        return joined
    }

    /// The acknowledgement's sentences (indices) and the continuing sentence after a cut-off sentence at
    /// `next - 1`, if the sentence is interrupted that way.
    private static func interruption(
        after sentence: Sentence, at next: Int, in sentences: [Sentence], turns: [Turn], scalars: [Unicode.Scalar]
    ) -> (acknowledgement: Range<Int>, continuation: Sentence)? {
        let end = sentence.range.upperBound
        guard end - 2 >= sentence.range.lowerBound, scalars[end - 1] == "-", scalars[end - 2].isLetter,
            !sentence.text.contains("?"), next < sentences.count
        else { return nil }
        // The sentence ends its turn, the next turn is the other speaker's acknowledgement, and the turn after it
        // is the same speaker's again.
        let other = sentences[next].turn
        guard other == sentence.turn + 1, other + 1 < turns.count, turns[other].speaker != sentence.speaker,
            turns[other + 1].speaker == sentence.speaker
        else { return nil }
        var after = next
        var words = 0
        while after < sentences.count, sentences[after].turn == other {
            for token in Token.tokens(of: sentences[after].text, at: 0) where token.kind != .punctuation {
                guard acknowledgements.contains(token.text) else { return nil }
                words += 1
            }
            after += 1
        }
        guard words > 0, words <= acknowledgementWords, after < sentences.count,
            sentences[after].turn == other + 1
        else { return nil }
        return (next..<after, sentences[after])
    }
}
