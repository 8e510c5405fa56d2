import Foundation
import Testing

@testable import Scribe

@Suite("Transcript reading")
struct TranscriptTests {
    static let filler = " The visit continues with more details about the problem at hand."

    @Test(
        "dialogue labels in many forms",
        arguments: [
            (
                "[doctor] how are you feeling today ?\n[patient] my knee hurts when i walk .", Speaker.clinician,
                Speaker.patient
            ),
            ("Doctor: How are you feeling today?\nPatient: My knee hurts when I walk.", .clinician, .patient),
            ("DR: How are you feeling today?\nPT: My knee hurts when I walk.", .clinician, .patient),
            ("Clinician: How are you feeling today?\nClient: My knee hurts when I walk.", .clinician, .patient),
            (
                "Dr. Lee: How are you feeling today?\nMaria: My knee hurts when I walk.\nDr. Lee: Since when?\nMaria: Two weeks.",
                .clinician, .patient
            ),
        ])
    func dialogue(text: String, first: Speaker, second: Speaker) throws {
        let transcript = try Transcript(text + Self.filler)
        #expect(transcript.kind == .dialogue)
        #expect(transcript.turns.count >= 2)
        #expect(transcript.turns[0].speaker == first)
        #expect(transcript.turns[1].speaker == second)
        #expect(transcript.text(in: transcript.turns[1].range).lowercased().hasPrefix("my knee hurts"))
    }

    @Test("a dictation with section-like labels is not a dialogue")
    func dictation() throws {
        let text = """
            Patient is a 42-year-old male presenting with three days of cough. He denies fever.
            HEENT: Normal. Lungs: Clear to auscultation bilaterally.
            Assessment: Acute bronchitis. Plan: Supportive care, follow up in 2 weeks.
            """
        let transcript = try Transcript(text)
        #expect(transcript.kind == .dictation)
        #expect(transcript.turns.count == 1)
        #expect(transcript.turns[0].speaker == .narrator)
        #expect(transcript.sentences.map(\.text).contains("He denies fever."))
        #expect(transcript.sentences.map(\.text).contains("Lungs: Clear to auscultation bilaterally."))
    }

    @Test("sentences split at terminators but not at abbreviations or decimals")
    func sentences() throws {
        let transcript = try Transcript(
            "Seen by Dr. Smith today. Temperature 98.6 degrees. Takes lisinopril 10 mg. daily? Yes! No changes.")
        #expect(
            transcript.sentences.map(\.text) == [
                "Seen by Dr. Smith today.", "Temperature 98.6 degrees.", "Takes lisinopril 10 mg. daily?", "Yes!",
                "No changes.",
            ])
    }

    @Test(
        "bad input gets a specific error",
        arguments: [
            ("", TranscriptError.Code.empty), ("   \n\t ", .empty), ("too short to be a visit", .tooShort),
            (String(repeating: "word ", count: 30_000), .tooLong),
            ("a\u{0}" + String(repeating: "b", count: 60), .notText),
            (String(repeating: "!!! ??? ... ", count: 10), .noWords),
            (String(repeating: "\u{1F637} \u{1F912} \u{1F927} ", count: 20), .noWords),
            (String(repeating: "120/80 98.6 - ", count: 10), .noWords),
        ])
    func errors(text: String, code: TranscriptError.Code) {
        do {
            _ = try Transcript(text)
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
            #expect(error.field == "transcript")
            #expect(!error.description.contains("word word"))
        }
    }

    @Test("offsets are Unicode scalars")
    func scalarOffsets() throws {
        let transcript = try Transcript(
            "Patient café owner reports naïve symptoms of fatigue. Sleeps 5 hours per night.")
        let second = try #require(transcript.sentences.last)
        #expect(transcript.text(in: second.range) == "Sleeps 5 hours per night.")
        let scalars = Array(transcript.text.unicodeScalars)
        #expect(second.range.upperBound == scalars.count)
    }

    /// Every development transcript reads as its form, with valid sentence offsets.
    @Test("development corpora: ACI-Bench dialogues and MTSamples dictations")
    func corpora() throws {
        let eval = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/eval")
        for (file, kind) in [("aci-bench/valid.jsonl", Transcript.Kind.dialogue), ("mtsamples/dev.jsonl", .dictation)] {
            let lines = try String(contentsOf: eval.appendingPathComponent(file), encoding: .utf8).split(
                separator: "\n")
            #expect(lines.count >= 20)
            for line in lines {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let text = try #require(row?["transcript"] as? String)
                guard text.unicodeScalars.count >= 50 else { continue }
                let transcript = try Transcript(text, limits: .init(maximumCharacters: 400_000))
                #expect(transcript.kind == kind, "\(row?["id"] ?? "")")
                #expect(!transcript.sentences.isEmpty)
                for sentence in transcript.sentences {
                    #expect(sentence.range.lowerBound >= 0 && sentence.range.upperBound <= transcript.scalarCount)
                    // A sentence an acknowledgement interrupted reads the words between as spaces; every other
                    // scalar is the transcript's at the same offset.
                    let said = Array(transcript.text(in: sentence.range).unicodeScalars)
                    let read = Array(sentence.text.unicodeScalars)
                    #expect(said.count == read.count)
                    #expect(zip(said, read).allSatisfy { $0 == $1 || $1 == " " })
                }
                if kind == .dialogue {
                    #expect(transcript.turns.contains { $0.speaker == .clinician })
                    #expect(transcript.turns.contains { $0.speaker == .patient })
                }
            }
        }
    }

    @Test("reading is deterministic")
    func determinism() throws {
        let text = "[doctor] any chest pain ?\n[patient] no , but i get short of breath on the stairs ."
        #expect(try Transcript(text).sentences == (try Transcript(text)).sentences)
    }
}

/// Speech-recognition output without sentence punctuation (the form of ACI-Bench's `aci` dialogues).
/// The fixtures are written for this project.
@Suite("Unpunctuated speech")
struct UnpunctuatedSpeechTests {
    static let text = """
        [doctor] hi maria how are you what brings you in today
        [patient] well i've been having this sharp pain in my lower back for about two weeks and it goes down my left leg
        [doctor] okay and does anything make it better i take some ibuprofen but it does n't really help okay and do you have any numbness or tingling no
        [patient] no nothing like that
        [doctor] okay so on physical examination of your back there is tenderness to palpation of the lumbar spine there is a positive straight leg raise on the left i do n't appreciate any weakness of the left leg so let's talk about my plan i'm going to prescribe meloxicam fifteen milligrams once a day and i want you to start physical therapy
        [patient] okay that sounds good
        """

    @Test("a long unpunctuated turn is split where utterances begin, and offsets still point at the words")
    func segments() throws {
        let transcript = try Transcript(Self.text)
        #expect(transcript.isUnpunctuated)
        let texts = transcript.sentences.map(\.text)
        #expect(texts.contains("there is tenderness to palpation of the lumbar spine"))
        #expect(texts.contains("there is a positive straight leg raise on the left"))
        #expect(texts.contains { $0.hasPrefix("so let's talk about my plan") })
        #expect(texts.contains { $0.hasPrefix("i'm going to prescribe meloxicam") })
        for sentence in transcript.sentences {
            #expect(transcript.text(in: sentence.range) == sentence.text)
        }
    }

    @Test("the learned boundary model ends sentences where a new one starts, not inside a phrase")
    func learnedBoundaries() {
        let keys =
            "my knee has been hurting for about two weeks now it gets worse when i climb the stairs i tried ibuprofen but it did not help much"
            .split(separator: " ").map(String.init)
        let starts = UtteranceModel.embedded.starts(of: keys)
        #expect(!starts.isEmpty)
        // No sentence starts inside `about two weeks`, `the stairs` or `did not help`.
        for inside in ["two", "weeks", "stairs", "not", "help"] {
            let index = keys.firstIndex(of: inside) ?? 0
            #expect(!starts.contains(index), "cut before \(inside): \(starts)")
        }
        #expect(starts.allSatisfy { $0 > 0 && $0 < keys.count })
        #expect(UtteranceModel.embedded.weights.count > 10_000)
    }

    @Test("the boundary model never ends a sentence on a word no sentence ends on, whatever its weights say")
    func neverEndsOnAFunctionWord() {
        // A model whose weights end a sentence after `and`, `the`, `we` and `weeks` alike.
        let model = UtteranceModel(table: "bias\t-5\na:and\t9\na:the\t9\na:we\t9\na:weeks\t9\n", probability: 0.3)
        let keys = "refer you to urology and we are going to see you in two weeks and the fluids help".split(
            separator: " "
        ).map(String.init)
        let starts = model.starts(of: keys)
        // Only after `weeks`: never after `and`, `the` or `we`.
        #expect(starts == [keys.firstIndex(of: "weeks").map { $0 + 1 } ?? -1])
        #expect(model.score(keys, after: keys.firstIndex(of: "and") ?? 0, since: 20) > model.threshold)
        for start in UtteranceModel.embedded.starts(of: keys) {
            #expect(!UtteranceModel.neverLast.contains(keys[start - 1]))
        }
    }

    @Test("a side and the body part it names are one phrase; the cut moves to the discourse marker after them")
    func sideAndBodyPart() {
        let text =
            "it does show a small kidney stone located in the proximal right ureter so this the ureter is the duct"
        let scalars = Array(text.unicodeScalars)
        let spoken = Transcript.spokenWords(in: 0..<scalars.count, scalars: scalars)
        let right = spoken.firstIndex { $0.key == "right" } ?? 0
        #expect(Transcript.namesSide(spoken, before: right + 1))
        #expect(!Transcript.namesSide(spoken, before: right))
        let segments = Transcript.segments(of: 0..<scalars.count, scalars: scalars)
        let texts = segments.map { String(String.UnicodeScalarView(scalars[$0.range])) }
        #expect(!texts.contains { $0.hasPrefix("ureter") }, "\(texts)")
    }

    @Test("the end of an utterance cut off before `and` and a subject goes back to the utterance it ends")
    func tailReattached() {
        let text = "i was trying to steal the ball from another player and she ended up falling onto my foot"
        let scalars = Array(text.unicodeScalars)
        let words = Transcript.spokenWords(in: 0..<scalars.count, scalars: scalars)
        let the = words.firstIndex { $0.key == "the" } ?? 0
        let and = words.firstIndex { $0.key == "and" } ?? 0
        // A cut before `the ball` moves to `and she`.
        #expect(Transcript.withTailsReattached(words, starts: [0, the]) == [0, and])
        // An utterance that opens with its own subject or a marker keeps its start.
        let own = "she got home and she iced it so then we went and she rested"
        let ownScalars = Array(own.unicodeScalars)
        let ownWords = Transcript.spokenWords(in: 0..<ownScalars.count, scalars: ownScalars)
        let so = ownWords.firstIndex { $0.key == "so" } ?? 0
        #expect(Transcript.withTailsReattached(ownWords, starts: [0, so]) == [0, so])
        let we = ownWords.firstIndex { $0.key == "we" } ?? 0
        #expect(Transcript.withTailsReattached(ownWords, starts: [0, we]) == [0, we])
        // A cut inside a clause (`she | got home`) gives the words before `and she` back.
        #expect(Transcript.withTailsReattached(ownWords, starts: [0, 1]) == [0, 3])
    }

    @Test("a decimal point written apart by speech recognition keeps the sentence whole and reads as a decimal")
    func spokenDecimals() throws {
        let text =
            "[doctor] the ct does show a . five centimeter kidney stone .\n[doctor] there was a four . four centimeter nodule .\n[patient] okay ."
        let transcript = try Transcript(text)
        #expect(transcript.sentences.map(\.text).contains("the ct does show a . five centimeter kidney stone ."))
        let note = try NoteWriter().note(transcript: text)
        let written = [note.subjective, note.objective, note.assessment].joined(separator: "\n")
        #expect(written.contains("a 0.5 cm kidney stone"), "\(written)")
        #expect(written.contains("4.4 cm nodule"), "\(written)")
        // A sentence that ends before a number is still a sentence end, and so is one that ends on a number
        // before a span of time (`for two . five days later`).
        let plain = try Transcript("[doctor] she is doing well . five days ago she had a fever .\n[patient] yes .")
        #expect(plain.sentences.count == 3)
        let span = try Transcript("[doctor] she had a fever for two . five days later it was gone .\n[patient] yes .")
        #expect(span.sentences.count == 3)
        // A reading named just before the number needs no unit after it, punctuated or not.
        for reading in [
            "[doctor] you have a normal temperature at ninety eight . four which is really good .\n[patient] okay .",
            "[doctor] your heart rate is nice and slow and you have a normal temperature at ninety eight . four which is really good so let me listen to your heart\n[patient] okay",
        ] {
            let temperature = try NoteWriter().note(transcript: reading)
            #expect(temperature.objective.contains("Temperature: 98.4 °F"), "\(temperature.objective)")
            #expect(!temperature.objective.contains("98. 4"), "\(temperature.objective)")
        }
    }

    @Test(
        "a point between spoken numbers in an unpunctuated dialogue is a decimal, without a unit or a reading named",
        arguments: [
            ("so your a1c was a little bit higher at seven . three and i want you to keep taking the metformin", "7.3"),
            ("for the heart failure we will add aldactone twelve . five milligrams daily and recheck labs", "12.5 mg"),
            ("for your blood pressure i want you to keep that two . five of norvasc every day", "2.5 of norvasc"),
        ])
    func decimalsWithoutUnits(sentence: String, written: String) throws {
        let filler = " and we talked about how you have been doing with your diet and your exercise over the summer"
        let text =
            "[doctor] \(sentence)\(filler)\n[patient] okay that sounds good to me i will do that\n[doctor] \(sentence)\(filler)"
        let transcript = try Transcript(text)
        #expect(transcript.isUnpunctuated)
        let note = try NoteWriter().note(transcript: text)
        let all = [note.subjective, note.objective, note.assessment, note.plan].joined(separator: "\n")
        #expect(all.contains(written), "\(all)")
        for line in all.split(separator: "\n") {
            #expect(!line.hasSuffix(" 7.") && !line.hasSuffix(" 12.") && !line.hasSuffix(" 2."), "\(line)")
        }
    }

    @Test("an answer caught inside the clinician's turn is the patient's")
    func answersInClinicianTurn() throws {
        let transcript = try Transcript(Self.text)
        let answer = try #require(transcript.sentences.first { $0.text.hasPrefix("i take some ibuprofen") })
        #expect(answer.speaker == .patient)
        let question = try #require(transcript.sentences.first { $0.text.contains("does anything make it better") })
        #expect(question.speaker == .clinician)
    }

    @Test("punctuated dialogues keep their sentences")
    func punctuatedUnchanged() throws {
        let text =
            "[doctor] okay so on exam there is tenderness. there is no swelling.\n[patient] okay."
            + " that sounds good to me, thank you doctor for seeing me today and for the advice."
        let transcript = try Transcript(text)
        #expect(!transcript.isUnpunctuated)
        #expect(transcript.sentences.map(\.text).first == "okay so on exam there is tenderness.")
    }

    @Test("the note: terse findings under their system, numbers in digits, answers merged, full stops")
    func note() throws {
        let note = try NoteWriter().note(transcript: Self.text)
        #expect(note.objective.contains("Tenderness to palpation of the lumbar spine."))
        #expect(note.objective.contains("No weakness of the left leg."))
        #expect(note.plan.contains("meloxicam 15 mg once a day"))
        #expect(note.subjective.contains("for about 2 weeks"))
        let numbness = note.entities.first { $0.kind == .problem && $0.name == "numbness" }
        #expect(numbness?.negated == true)
        for statement in note.statements where statement.origin == .sentence {
            #expect(statement.text.last.map { ".!?:".contains($0) } == true)
        }
    }
}

@Suite("Swapped speaker labels")
struct SwappedLabelTests {
    /// Written for this project: the labels are the wrong way round, as speech recognition sometimes does.
    static let swapped = """
        [patient] hi there, what brings you in today? how long have you had the rash on your arm?
        [doctor] i noticed it about a week ago. my arm itches a lot and i think it started after i was gardening.
        [patient] have you used any new soaps or lotions? does your skin burn or just itch? let me look at your arm.
        [doctor] no new soaps. it just itches, mostly at night, and i have been putting ice on it for my comfort.
        [patient] your arm shows a linear red rash with small blisters. i think you have contact dermatitis from a plant.
        [doctor] okay, that makes sense to me. i was pulling weeds without my gloves.
        [patient] i will prescribe a steroid cream for you, twice a day for two weeks. keep your arm clean and call me if it spreads.
        """

    @Test("swapped clinician and patient labels are put right")
    func swappedLabels() throws {
        let transcript = try Transcript(Self.swapped)
        #expect(transcript.speakersSwapped)
        #expect(transcript.turns[0].speaker == .clinician)
        #expect(transcript.turns[1].speaker == .patient)
        let note = try NoteWriter().note(transcript: Self.swapped)
        #expect(note.subjective.contains("gardening"))
        #expect(!note.subjective.contains("what brings"))
    }

    @Test("correct labels stay as they are")
    func correctLabels() throws {
        let corrected = Self.swapped.replacingOccurrences(of: "[patient]", with: "[x]")
            .replacingOccurrences(of: "[doctor]", with: "[patient]").replacingOccurrences(of: "[x]", with: "[doctor]")
        let transcript = try Transcript(corrected)
        #expect(!transcript.speakersSwapped)
        #expect(transcript.turns[0].speaker == .clinician)
    }
}
