import Testing

@testable import Transcription

@Suite("RemoteTranscriptionAnswer: the strict reader of verbose_json answers")
struct RemoteTranscriptionAnswerTests {
    static func parse(_ json: String, maximumBytes: Int = RemoteTranscriptionAnswer.defaultMaximumBytes) throws
        -> RemoteTranscriptionAnswer
    {
        try RemoteTranscriptionAnswer(parsing: Array(json.utf8), maximumBytes: maximumBytes)
    }

    @Test("text and timed segments are read; other members are ignored; white space is normalised")
    func verboseAnswer() throws {
        let answer = try Self.parse(
            """
            {"task":"transcribe","language":"english","duration":6.5,"text":" The patient has a cough.  She has a fever.",
             "segments":[{"id":0,"seek":0,"start":0.0,"end":2.4,"text":" The patient has a cough.","tokens":[50364,440],
                          "temperature":0.0,"avg_logprob":-0.2,"compression_ratio":1.1,"no_speech_prob":0.01},
                         {"id":1,"start":3.1,"end":5.0,"text":"  She has\\na fever. "},
                         {"id":2,"start":5.0,"end":5.2,"text":"   "}],
             "words":[{"word":"The","start":0.0,"end":0.2}]}
            """)
        #expect(answer.text == "The patient has a cough. She has a fever.")
        #expect(
            answer.segments == [
                .init(start: 0, end: 2.4, text: "The patient has a cough."),
                .init(start: 3.1, end: 5.0, text: "She has a fever."),
            ])
    }

    @Test("segments are moved to their place in the recording and kept inside the uploaded piece")
    func transcriptSegments() throws {
        let answer = try Self.parse(
            #"{"text":"a b","segments":[{"start":0.5,"end":1.0,"text":"a"},{"start":1.5,"end":9.0,"text":"b"}]}"#)
        let segments = answer.transcriptSegments(offset: 10, length: 3)
        #expect(segments.map(\.span) == [AudioSpan(start: 10.5, end: 11), AudioSpan(start: 11.5, end: 13)])
        #expect(segments.map(\.text) == ["a", "b"])
        #expect(segments.allSatisfy { $0.words.isEmpty && $0.speaker == nil })
    }

    @Test("an answer with text but no segments is one segment over the piece; an empty one is none")
    func textOnly() throws {
        let plain = try Self.parse(#"{"text":"the patient is well"}"#)
        #expect(
            plain.transcriptSegments(offset: 2, length: 4)
                == [SpeechTranscript.Segment(span: AudioSpan(start: 2, end: 6), text: "the patient is well")])
        #expect(try Self.parse(#"{"text":"","segments":[]}"#).transcriptSegments(offset: 0, length: 4).isEmpty)
    }

    @Test(
        "malformed answers are refused with remoteMalformedAnswer and a reason that names the member, never its value",
        arguments: [
            ("", "is empty"),
            ("not json at all: metformin", "is not valid JSON"),
            (#"["metformin"]"#, "is not a JSON object"),
            (#"{"segments":[]}"#, "has no text"),
            (#"{"text":42}"#, "has text of the wrong type"),
            (#"{"text":null}"#, "has text null"),
            (#"{"text":"metformin","segments":{}}"#, "has segments of the wrong type"),
            (#"{"text":"metformin","segments":[{"end":1,"text":"metformin"}]}"#, "has no segments[0].start"),
            (
                #"{"text":"metformin","segments":[{"start":"0","end":1,"text":"metformin"}]}"#,
                "has segments[0].start of the wrong type"
            ),
            (
                #"{"text":"metformin","segments":[{"start":true,"end":1,"text":"metformin"}]}"#,
                "has segments[0].start of the wrong type"
            ),
            (
                #"{"text":"x","segments":[{"start":0,"end":1,"text":"x"},{"start":2,"end":1,"text":"metformin"}]}"#,
                "segments[1].end is before its start"
            ),
            (
                #"{"text":"x","segments":[{"start":-1,"end":1,"text":"metformin"}]}"#,
                "segments[0].start is not a number of seconds from 0"
            ),
            (#"{"text":"metformin"} trailing"#, "is not valid JSON"),
        ])
    func malformed(json: String, expected: String) throws {
        let error = try #require(throws: TranscriptionError.self) { try Self.parse(json) }
        #expect(error.code == .remoteMalformedAnswer)
        #expect(error.reason.hasSuffix(expected), "\(error.reason)")
        #expect(!error.reason.contains("metformin"))
    }

    @Test("an answer over the size limit or nested too deeply is refused before it is decoded")
    func limits() throws {
        let large = #"{"text":""# + String(repeating: "a", count: 2_000) + #""}"#
        let tooLarge = try #require(throws: TranscriptionError.self) { try Self.parse(large, maximumBytes: 1_024) }
        #expect(tooLarge.code == .remoteMalformedAnswer && tooLarge.reason.contains("over the limit of 1024"))
        let deep =
            #"{"text":"x","extra":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
            + "}"
        let tooDeep = try #require(throws: TranscriptionError.self) { try Self.parse(deep) }
        #expect(tooDeep.reason.contains("nested deeper than 8 levels"))
        // Brackets inside strings are text, not nesting.
        let quoted = try Self.parse(#"{"text":"[[[[[[[[[[[[ \"{{{{{{{{{{{\" ]"}"#)
        #expect(quoted.text.hasPrefix("[[[["))
    }

    @Test("a diarizing service's speaker is kept on its segment")
    func speakers() throws {
        let answer = try RemoteTranscriptionAnswer(
            parsing: Array(
                #"{"text":"hello there. hi","segments":[{"start":0,"end":1,"text":"hello there.","speaker":"SPEAKER_00"},{"start":1,"end":2,"text":"hi"}]}"#
                    .utf8))
        let segments = answer.transcriptSegments(offset: 0, length: 2)
        #expect(segments.map(\.speaker) == ["SPEAKER_00", nil])
    }
}
