import Testing

@testable import Scribe

/// The condensed note style, sentence by sentence. The sentences are written for these tests in the manner of
/// the ACI-Bench dialogues (none is quoted from the corpus).
@Suite("Clinical style: condensed, third person, no spoken debris")
struct ClinicalStyleTests {
    @Test("a sentence of pronouns and light verbs leans on the one before it and is no statement alone")
    func leansOnContext() {
        #expect(ClinicalStyle.condensed("he is taking it", voice: .clinician) == nil)
        #expect(ClinicalStyle.condensed("that will be able to help her", voice: .clinician) == nil)
        #expect(ClinicalStyle.condensed("she can keep taking that as well", voice: .clinician) == nil)
        #expect(ClinicalStyle.condensed("he is doing well with the metformin", voice: .clinician) != nil)
        #expect(ClinicalStyle.condensed("he is taking his lisinopril", voice: .clinician) != nil)
        // A dictation is the clinician's written record: its sentences are kept.
        #expect(ClinicalStyle.condensed("He is taking it.", voice: .dictation) != nil)
    }

    @Test("a plan offered as a question (`why don't we ...`) is the plan it offers; a question asking why is not")
    func suggestedPlans() throws {
        #expect(
            ClinicalStyle.condensed("why don't you try the hydrocortisone cream twice a day?", voice: .clinician)
                != nil)
        let split = ["why", "do", "n", "t", "we", "get", "an", "x", "ray"]
        #expect(!Phrasing.isQuestion("why do n't we get an x-ray", words: split))
        #expect(Phrasing.isQuestion("why did you stop it?", words: ["why", "did", "you", "stop", "it"]))
        let visit = """
            [doctor] hi .
            [patient] my knee hurts when i climb stairs .
            [doctor] on exam , there is crepitus of the right knee .
            [doctor] so for your knee pain , i think this is osteoarthritis of the right knee .
            [doctor] why don't you try the hydrocortisone cream twice a day ?
            [doctor] and why do n't we have you come back in about two weeks .
            """
        let note = try NoteWriter().note(transcript: visit)
        #expect(note.plan.lowercased().contains("hydrocortisone cream twice a day"), "\(note.plan)")
        #expect(note.plan.lowercased().contains("2 weeks"), "\(note.plan)")
    }

    @Test("a recommendation of what we do is the plan item it names")
    func recommendedPlans() {
        #expect(
            ClinicalStyle.recommendedPlan(["Recommend", "we", "give", "her", "some", "motrin,", "800", "mg."])
                == ["Give", "her", "some", "motrin,", "800", "mg."])
        let weighed = ["Recommend", "we", "think", "about", "surgery."]
        #expect(ClinicalStyle.recommendedPlan(weighed) == weighed)
    }

    @Test("a clause split from the verb it completes loses its opening `that`")
    func openingThat() {
        let split = ["that", "she", "can", "continue", "with", "the", "radiation."]
        #expect(ClinicalStyle.withoutOpeningThat(split) == Array(split.dropFirst()))
        let subject = ["that", "should", "help", "the", "pain."]
        #expect(ClinicalStyle.withoutOpeningThat(subject) == subject)
        let relative = ["that", "she", "brought", "in."]
        #expect(ClinicalStyle.withoutOpeningThat(relative) == relative)
    }

    @Test("an examination's two-word negative finding is whole; two words of talk are not")
    func negatedFindings() {
        #expect(ClinicalStyle.condensed("No murmur", voice: .clinician) == "No murmur.")
        #expect(ClinicalStyle.condensed("no thyromegaly", voice: .clinician) == "No thyromegaly.")
        #expect(ClinicalStyle.condensed("No problem", voice: .clinician) == nil)
        #expect(ClinicalStyle.condensed("no worries", voice: .clinician) == nil)
        // The examiner's negated perception states a finding; other negations do not.
        #expect(ClinicalStyle.statesPerceivedFinding(["i", "don't", "appreciate", "any", "adenopathy"]))
        #expect(ClinicalStyle.statesPerceivedFinding(["so", "i", "do", "n't", "hear", "a", "murmur"]))
        #expect(!ClinicalStyle.statesPerceivedFinding(["i", "don't", "think", "you", "need", "surgery"]))
        #expect(!ClinicalStyle.statesPerceivedFinding(["i", "want", "to", "see", "you", "back"]))
        // `like` after a quantifier is a filler.
        #expect(ClinicalStyle.condensed("No like adenopathy", voice: .clinician) == "No adenopathy.")
    }

    @Test(
        "spoken debris goes and the clinical content stays",
        arguments: [
            ("He is, you know, kind of tired all the time.", ClinicalStyle.Voice.patient, "He is tired all the time."),
            ("She really just feels dizzy, basically every morning.", .patient, "She feels dizzy, every morning."),
            ("The, the, the pain is worse at night.", .patient, "The pain is worse at night."),
            ("It was ... hard to cook at home.", .patient, "It was hard to cook at home."),
            // `okay` after a verb of being says how the patient is; elsewhere it is a filler.
            ("He is doing alright aside from this elbow pain.", .patient, "He is doing alright aside from this elbow pain."),
            // Reading from the chart.
            (
                "So it looks like here that he came in for an evaluation of that right elbow pain.", .clinician,
                "He came in for an evaluation of that right elbow pain."
            ),
            ("Okay, she is, okay, feeling a little better.", .patient, "She is feeling slightly better."),
            ("He is, uh, taking ex- exercise every day.", .patient, "He is taking exercise every day."),
            ("Refer him to physical therapy-", .clinician, "Refer him to physical therapy."),
            ("No, she quit smoking about 10 years ago.", .patient, "She quit smoking about 10 years ago."),
            ("We ate out a lot during the construction.", .patient, "They ate out a lot during the construction."),
            (
                "So I-i'd like to increase the lisinopril to 20 mg a day.", .clinician,
                "Increase the lisinopril to 20 mg a day."
            ),
            ("I think she has a sprain of the right ankle.", .clinician, "She has a sprain of the right ankle."),
            ("We'll go ahead and get an x-ray of the knee.", .clinician, "Obtain an x-ray of the knee."),
            ("I want her to ice the knee twice a day.", .clinician, "Advised to ice the knee twice a day."),
            // The patient addressed by title and name.
            ("Mrs. Lee, the swelling should settle in a week.", .clinician, "The swelling should settle in a week."),
            // A clause cut off after its subject, a question tag, the patient addressed by name at the end.
            ("Order some blood tests we'll.", .clinician, "Order some blood tests."),
            ("Refer her to urology and we're.", .clinician, "Refer her to urology."),
            ("Get an x-ray of the wrist but right.", .clinician, "Get an x-ray of the wrist."),
            ("Blood pressure is about 122 over 70 right.", .clinician, "Blood pressure is about 122 over 70."),
            ("There is a small mass on the right.", .clinician, "There is a small mass on the right."),
            ("She says the knee does not feel right.", .patient, "She says the knee does not feel right."),
            ("Follow up in 2 weeks carolyn.", .clinician, "Follow up in 2 weeks."),
            ("She has been worse during football season.", .patient, "She has been worse during football season."),
            // A verdict tagged on after the finding.
            ("His chest x-ray is clear, so that is good.", .clinician, "His chest x-ray is clear."),
            ("No fracture of the left wrist which is good.", .clinician, "No fracture of the left wrist."),
            (
                "She takes a medication which is good for sleep.", .clinician,
                "She takes a medication which is good for sleep."
            ),
            // A stressing `do` or an adverb between the clinician and the framing.
            (
                "I do want her to keep taking the naproxen with food.", .clinician,
                "Advised to keep taking the naproxen with food."
            ),
            (
                "I certainly want him to call if the swelling spreads.", .clinician,
                "Advised to call if the swelling spreads."
            ),
            ("We'll probably do a fasting blood sugar.", .clinician, "Do a fasting blood sugar."),
            (
                "Okay, I would recommend physical therapy for 6 weeks.", .clinician,
                "Recommend physical therapy for 6 weeks."
            ),
            (
                "Her heart has a murmur, but I don't hear any crackles.", .clinician,
                "Her heart has a murmur, but no crackles."
            ),
            ("Her blood pressure is 120/80, which is really good.", .clinician, "Her blood pressure is 120/80."),
            (
                "I reviewed the results of the chest x-ray with her.", .clinician,
                "Reviewed the results of the chest x-ray with her."
            ),
            (
                "If it is not better, we'll get an MRI at that time.", .clinician,
                "If it is not better, obtain an MRI at that time."
            ),
            (
                "She should call me if the swelling gets worse.", .clinician,
                "She should call the clinic if the swelling gets worse."
            ),
            (
                "Patient is a 42-year-old male with back pain.", .dictation,
                "Patient is a 42-year-old male with back pain."
            ),
            (
                "It's been swollen and she doesn't sleep well.", .patient,
                "It has been swollen and she does not sleep well."
            ),
            (
                "That's why he can't walk far, the patient's knee gives out.", .patient,
                "That is why he cannot walk far, the patient's knee gives out."
            ),
            ("I will be ordering an MRI of the left shoulder.", .clinician, "Order an MRI of the left shoulder."),
            ("I'm also placing a referral to physical therapy.", .clinician, "Place a referral to physical therapy."),
            ("Her abdomen is nice and soft, no tenderness.", .clinician, "Her abdomen is soft, no tenderness."),
            ("His heart has a nice regular rate and rhythm.", .clinician, "His heart has a regular rate and rhythm."),
            ("She has a little bit of fluid in her legs.", .clinician, "She has some fluid in her legs."),
            ("His A1c is a little bit high at 8.", .clinician, "His A1c is slightly high at 8."),
            ("He has had a little bit of a cough.", .patient, "He has had a cough."),
            ("A little bit of numbness in her toes.", .patient, "Some numbness in her toes."),
            ("She feels a little dizzy when she stands.", .patient, "She feels slightly dizzy when she stands."),
            ("It bothers him a little bit but not much.", .patient, "It bothers him but not much."),
            (
                "For your last problem of hypertension, it is well controlled today.", .clinician,
                "It is well controlled today."
            ),
            (
                "And for her first problem, her asthma, she uses the inhaler daily.", .clinician,
                "She uses the inhaler daily."
            ),
            (
                "He sometimes forget to take it on the weekend.", .patient,
                "He sometimes forgets to take it on the weekend."
            ),
            ("She never skip a dose.", .patient, "She never skips a dose."),
            (
                "She will call if she develop a fever before she leave.", .patient,
                "She will call if she develops a fever before she leaves."
            ),
            (
                "David, so he was in the emergency department last week.", .clinician,
                "He was in the emergency department last week."
            ),
            ("Hope he feels better soon.", .clinician, "Hope he feels better soon."),
            (
                "It it's not the right knee, it's the left knee.", .patient,
                "It is not the right knee, it is the left knee."
            ),
            (
                "From a diabetes standpoint, increase the metformin to 1000 mg twice a day.", .clinician,
                "Increase the metformin to 1000 mg twice a day."
            ),
            (
                "For his heart failure, he is doing well on the current dose.", .clinician,
                "He is doing well on the current dose."
            ),
            (
                "Regarding her asthma, she uses the rescue inhaler twice a week.", .clinician,
                "She uses the rescue inhaler twice a week."
            ),
            ("As far as her reflux goes, she has had no symptoms.", .clinician, "She has had no symptoms."),
            (
                "For the next 2 weeks, she should rest the ankle.", .clinician,
                "For the next 2 weeks, she should rest the ankle."
            ),
            (
                "For her medical history, it is high cholesterol and asthma.", .clinician,
                "For her medical history, it is high cholesterol and asthma."
            ),
            ("Lastly, she has been sleeping better at night.", .patient, "She has been sleeping better at night."),
            ("Otherwise, no past medical history.", .dictation, "Otherwise, no past medical history."),
            ("I think this is reflux.", .clinician, "Reflux."),
            ("For her second problem the hypertension.", .clinician, "Hypertension."),
            ("For the diabetes mellitus.", .clinician, "Diabetes mellitus."),
            (
                "This will help to decrease the inflammation.", .clinician,
                "This will help to decrease the inflammation."
            ),
            (
                "Her knee pain has improved since the injection.", .clinician,
                "Her knee pain has improved since the injection."
            ),
            (
                "The nurse will be back in a minute to give him the MMR today.", .clinician,
                "The nurse will be back in a minute to give him the MMR today."
            ),
            (
                "For his knee pain, this is an acute exacerbation of his arthritis.", .clinician,
                "Acute exacerbation of his arthritis."
            ),
            ("Follow up in 7 days and then.", .clinician, "Follow up in 7 days."),
            // Unpunctuated speech: the tail is cut before the sentence is terminated.
            ("start 50 mg of ultram every 6 hours and then", .clinician, "Start 50 mg of ultram every 6 hours."),
            ("Keep an eye on these scars and then we will go from there.", .clinician, "Keep an eye on these scars."),
            ("Her tonsils are swollen too.", .patient, "Her tonsils are swollen."),
            (
                "She is here today with a headache so hi there.", .clinician,
                "She is here today with a headache."
            ),
            ("Continue the norvasc 5 mg once daily also.", .clinician, "Continue the norvasc 5 mg once daily."),
            // A cut that would leave a sentence ending on `that` is not made.
            (
                "He has had surgery for that too.", .patient,
                "He has had surgery for that too."
            ),
            // An answer word written without its comma before the clause it opens.
            ("No he does not take any medicines.", .patient, "He does not take any medicines."),
            ("No, she has a stuffy nose.", .patient, "She has a stuffy nose."),
            // The spoken review of the vital signs, as written; one that reads a value or finding is left as said.
            ("Reviewed his vitals everything here looks good.", .clinician, "Vitals look good."),
            ("I reviewed his vital signs and they look fine.", .clinician, "Vital signs look fine."),
            (
                "Reviewed their vitals and the patient appears to be breathing a little fast.", .clinician,
                "Reviewed their vitals and the patient appears to be breathing a little fast."
            ),
            // A condition or setting with its main clause stays (without it, see `dropped`).
            ("When she lies down she gets short of breath.", .patient, "When she lies down she gets short of breath."),
            ("If it gets worse, call the clinic.", .clinician, "If it gets worse, call the clinic."),
            ("He has a cigarette every now and then.", .patient, "He has a cigarette every now and then."),
            (
                "She had a colonoscopy 3 years ago but nothing since then.", .patient,
                "She had a colonoscopy 3 years ago but nothing since then."
            ),
            (
                "Looks like his doctor sent him over for a foot ulcer.", .clinician,
                "His doctor sent him over for a foot ulcer."
            ),
            ("It is most likely a muscular strain.", .clinician, "Likely muscular strain."),
            ("It is not reflux.", .clinician, "It is not reflux."),
            (
                "So we'll say she has mild tenderness to palpation of the upper abdomen.", .clinician,
                "She has mild tenderness to palpation of the upper abdomen."
            ),
            ("Continue him on the lipitor 40 mg a day.", .clinician, "Continue the lipitor 40 mg a day."),
            (
                "Stop the norvasc and put him on hydrochlorothiazide 10 mg once a day.", .clinician,
                "Stop the norvasc and start hydrochlorothiazide 10 mg once a day."
            ),
            (
                "Her cardiologist put her on a beta blocker last year.", .clinician,
                "Her cardiologist put her on a beta blocker last year."
            ),
            (
                "His primary care doctor started him on metformin last year.", .clinician,
                "His primary care doctor started him on metformin last year."
            ),
        ])
    func condensed(input: String, voice: ClinicalStyle.Voice, expected: String) {
        #expect(ClinicalStyle.condensed(input, voice: voice) == expected)
    }

    @Test(
        "sentences with nothing left for a note are dropped",
        arguments: [
            ("Is the pain worse at night?", ClinicalStyle.Voice.patient),
            ("Let me go over my assessment and plan with you.", .clinician),
            ("Do a quick physical exam.", .clinician),
            ("Take a look at her x-rays.", .clinician),
            ("The patient has been taking, mel-...", .patient),
            ("Okay, yeah.", .patient),
            ("Quickly listen to her heart and lungs.", .clinician),
            ("If she wants to lay down here on the table for me and let's take a look at her.", .clinician),
            ("Go ahead and hop up here on the table for me.", .clinician),
            ("As far as his diabetes.", .clinician),
            ("So for his first problem, his back pain.", .clinician),
            ("Here is the, here is his right knee x-ray.", .clinician),
            ("So the nurse will come in to help him get checked out.", .clinician),
            ("My nurse will be in shortly to discharge her.", .clinician),
            ("Ice and rest make it feel better, is that correct.", .clinician),
            ("I am going to examine her arm.", .clinician),
            ("I will be gentle but I want to look at the knee.", .clinician),
            ("The how is there anything that he was doing out of the ordinary when this started.", .clinician),
            ("A couple more questions, anybody in the family with kidney disease.", .clinician),
            ("His blood pressure in the clinic, that x-ray that I.", .clinician),
            ("Write him a consult to nutrition since it sounds like maybe.", .clinician),
            ("Take a listen to her heart and lungs.", .clinician),
            ("Take a quick look at that knee.", .clinician),
            ("Do some maneuvers on the knee.", .clinician),
            ("I am so glad she is doing well.", .clinician),
            ("That is fantastic.", .clinician),
            ("If I push on his big toe and move it back and forth.", .clinician),
            // A condition or setting whose main clause never came.
            ("If he tries to even lay on that shoulder.", .patient),
            ("When he is doing the projects.", .patient),
            ("Aside from the projects at home.", .patient),
            ("Aside from this left shoulder pain that he has been having.", .patient),
            // A vital sign named with where it was taken, and no reading; a review of them without a verdict.
            ("Looked at her vitals when she came in today.", .clinician),
            ("Blood pressure at home.", .clinician),
            ("Blood pressure in the clinic.", .patient),
            ("As long as she does not move her shoulder.", .clinician),
            // A problem announced with a clause after it, the start of its sentence split off.
            ("For his left knee to make sure that nothing else is torn.", .clinician),
            ("For her blood pressure when she got here this morning.", .clinician),
            ("Lastly for the trouble swallowing that she has.", .clinician),
            ("For her wrist since that happened.", .patient),
            // Nothing but a span of time, its plan item split off.
            ("After that 6 to 8 weeks.", .clinician),
            ("Hopefully, within the next two weeks.", .clinician),
            ("At least 3 times a week.", .clinician),
            // Talk about the talk itself.
            ("We covered a lot of information quickly.", .clinician),
            ("That will be our next step.", .clinician),
            ("I am going to explain.", .clinician),
            ("We do have some options.", .clinician),
            // A verb that needs its object, cut off from it.
            ("I do want you to check.", .clinician),
        ])
    func dropped(input: String, voice: ClinicalStyle.Voice) {
        #expect(ClinicalStyle.condensed(input, voice: voice) == nil)
    }

    @Test(
        "a span of time is dropped only when nothing else is said",
        arguments: ["Follow up in 2 weeks.", "Take it twice a day for 10 days.", "Ice 3 times a day."])
    func timeWithItem(input: String) {
        #expect(!ClinicalStyle.isTimeOnly(Phrasing.spaceSeparated(input)))
        #expect(ClinicalStyle.condensed(input, voice: .clinician) != nil)
    }

    @Test(
        "a remark is dropped only when it records nothing",
        arguments: [
            "I am concerned that the fracture has not healed.",
            "It is fantastic that she has chosen Monday as her quit date and will use the patch.",
            "If I press on the heel, it hurts.",
        ])
    func remarksWithContent(input: String) {
        #expect(ClinicalStyle.condensed(input, voice: .clinician) != nil)
    }

    @Test(
        "a problem announced and nothing said of it is the problem's name",
        arguments: [
            ("For her primary diagnosis of a distal radius fracture.", "Distal radius fracture."),
            ("Next for this acute gout flare.", "Acute gout flare."),
            ("In terms of his asthma.", "Asthma."),
            ("For his reflux his third diagnosis of reflux.", "Reflux."),
        ])
    func announcedTopic(input: String, expected: String) {
        #expect(ClinicalStyle.condensed(input, voice: .clinician) == expected)
    }

    @Test(
        "a sentence opened with its topic stays when it says something of it",
        arguments: [
            "For some reason lately he keeps bumping into things.",
            "For her surgery we are going to keep her overnight.",
            "For his coronary artery disease continue the statin.",
            "For her ankle pain her symptoms are consistent with a sprain.",
            "For the record, that is three pregnancies.",
            "For their diabetes as long as she is here it sounds like she manages it well.",
        ])
    func topicWithClause(input: String) {
        #expect(!ClinicalStyle.isTopicOnly(Phrasing.spaceSeparated(input)))
        #expect(ClinicalStyle.condensed(input, voice: .clinician) != nil)
    }

    @Test("an answer without a subject is a fragment; a sentence with one is not")
    func fragments() {
        #expect(ClinicalStyle.isFragment("Mostly dry, sometimes a little phlegm in the morning."))
        #expect(!ClinicalStyle.isFragment("She has a dry cough in the morning."))
    }

    @Test(
        "the rest of an answer with no subject and no verb, opening on a preposition or an amount, reads as nothing",
        arguments: [
            ("At the shoulder.", true),
            ("Several times in a row.", true),
            ("Maybe 5 hours a night.", true),
            ("2 ibuprofen last night, 200 mg each.", false),
            ("A lot of raking a lot of digging.", true),
            ("Or even surgery to clean out the joint sometimes.", true),
            ("On both elbows about a year and a half ago.", true),
            // A finding in a few words, a sentence with its subject, a verb: each stays.
            ("No fever or chills.", false),
            ("Some numbness, but no tingling down her legs.", false),
            ("She runs 4 to 5 miles a day.", false),
            ("At night the pain is worse.", false),
            ("After the fall swelling started right away.", false),
        ])
    func answerDebris(text: String, debris: Bool) {
        #expect(ClinicalStyle.isAnswerDebris(text) == debris)
    }

    @Test("the rest of an answer ends the patient's sentence before it in the same turn; alone it is left out")
    func answerDebrisJoined() throws {
        let note = try NoteWriter().note(
            transcript: """
                [doctor] How are you sleeping?
                [patient] I fall asleep okay now, but I wake up around 4 in the morning. Maybe five hours a night.
                [doctor] Where does it hurt?
                [patient] At the shoulder.
                """)
        #expect(note.subjective.contains("4 in the morning, maybe 5 hours a night."), "\(note.subjective)")
        #expect(!note.subjective.contains("At the shoulder"), "\(note.subjective)")
    }

    @Test(
        "an answer without a subject takes the topic asked about, unless it names the topic or denies a list of its own",
        arguments: [
            ("Mostly dry, sometimes a little phlegm in the morning.", "cough", false),
            ("Cannot recall a fever or any rash.", "fever", true),
            ("No neck issues, no numbness, no tingling.", "fever", true),
            ("No weight loss or passing out.", "weight loss", true),
            ("No in the back of her head.", "headache", false),
            ("No never had any problems with his stomach.", "nausea", false),
        ])
    func answerTopics(text: String, topic: String, readsAlone: Bool) {
        #expect(NoteWriter.readsWithoutTopic(text, topic: topic) == readsAlone)
    }

    @Test("a sentence cut off after `all of a sudden` or `but in the meantime` ends before it")
    func cutOffAdverbial() {
        #expect(
            ClinicalStyle.withoutTrailingConnective(
                "she slipped and she put her arms out to catch herself and then all of a sudden.".split(separator: " ")
                    .map(String.init)).joined(separator: " ")
                == "she slipped and she put her arms out to catch herself.")
        #expect(
            ClinicalStyle.withoutTrailingConnective(
                "we will order the mri but in the meantime.".split(separator: " ").map(String.init))
                .joined(separator: " ") == "we will order the mri.")
        // Whole as said.
        let whole = "she will wear the brace for 6 weeks in the meantime.".split(separator: " ").map(String.init)
        #expect(ClinicalStyle.withoutTrailingConnective(whole) == whole)
    }

    @Test("a subject given up for another is left out; `she her`, `it is she` are never written")
    func abandonedSubject() {
        #expect(
            ClinicalStyle.condensed("She her wrist started to hurt real bad and it got real swollen.", voice: .patient)
                == "Her wrist started to hurt real bad and it got real swollen.")
        #expect(ClinicalStyle.condensed("It is she feels better.", voice: .patient) == "She feels better.")
        #expect(
            ClinicalStyle.condensed("the pain is worse and he his knee gives way on stairs.", voice: .patient)
                == "The pain is worse and his knee gives way on stairs.")
        // Object pronouns and `it is she who` stay as said.
        #expect(
            ClinicalStyle.withoutAbandonedSubject(["and", "she", "her", "noticed", "that", "it", "was", "high"])
                == ["and", "she", "noticed", "that", "it", "was", "high"])
        #expect(
            ClinicalStyle.withoutAbandonedSubject(["The", "patient", "their", "wrist", "started", "to", "hurt"])
                == ["Their", "wrist", "started", "to", "hurt"])
        #expect(ClinicalStyle.withoutAbandonedSubject(["It's", "he", "barely", "can", "run"]) == ["He", "barely", "can", "run"])
        for words in [["give", "her", "the", "brace"], ["she", "told", "her", "mom"], ["it", "is", "she", "who", "calls"]] {
            #expect(ClinicalStyle.withoutAbandonedSubject(words) == words)
        }
    }

    @Test("`you` as an object becomes her or him, as a subject she or he")
    func objectYou() {
        #expect(
            Phrasing.aboutPatient("I want you to take ibuprofen and we will see you back", pronouns: .female)
                == "I want her to take ibuprofen and we will see her back")
        #expect(
            Phrasing.aboutPatient("if you have any fever, you should call", pronouns: .male)
                == "If he has any fever, he should call")
        #expect(
            Phrasing.aboutPatient("you'll be in a cast and you will use crutches", pronouns: .female)
                == "She will be in a cast and she will use crutches")
    }

    @Test("an examination finding is put under the system it is of; a vital sign is not")
    func findingSystems() {
        #expect(Phrasing.findingSystem("His abdomen is soft.") == "Gastrointestinal")
        #expect(Phrasing.findingSystem("There is a 2/6 systolic ejection murmur.") == "Cardiovascular")
        #expect(Phrasing.findingSystem("Trace edema of the lower extremities.") == "Extremities")
        #expect(Phrasing.findingSystem("Her heart rate was 58.") == nil)
        #expect(Phrasing.findingSystem("Everything looks good.") == nil)
        #expect(Phrasing.findingSystem("Come back sooner if the foot becomes numb.") == "Foot")
        #expect(Phrasing.findingSystem("Tenderness of her lower back.") == "Back")
        #expect(Phrasing.findingSystem("A carotid bruit on the right hand side.") == nil)
    }

    @Test(
        "a spoken finding is written tersely, one per examined part; the examiner's narration is no finding",
        arguments: [
            ("Looking at him, his neck is very supple.", ["Neck very supple."]),
            ("His heart is a regular rate and rhythm.", ["Heart regular rate and rhythm."]),
            (
                "Listening to his lungs, he has some faint expiratory wheezing, and his heart is a regular rate.",
                ["Lungs: faint expiratory wheezing.", "Heart regular rate."]
            ),
            ("Here in the office today, her vital signs look great.", ["Vital signs look great."]),
            ("Looking at her blood pressure today, it is a little elevated.", ["Blood pressure is a little elevated."]),
            (
                "In reviewing the results of his echocardiogram, it shows a normal ejection fraction.",
                ["Echocardiogram shows a normal ejection fraction."]
            ),
            ("Neck: Her neck, there is no thyroid enlargement.", ["Neck: No thyroid enlargement."]),
            ("He does not have any lower extremity edema.", ["No lower extremity edema."]),
            ("Her right knee shows that she has some erythema.", ["Right knee shows erythema."]),
            (
                "The healed scar on his right knee, and there is no edema.",
                ["The healed scar on his right knee.", "No edema."]
            ),
            ("His heart rate and his, blood pressure look fine.", ["Heart rate and his, blood pressure look fine."]),
            ("Neck: Looking at him, I am feeling his neck.", []),
            ("In reviewing his lab results, everything looks good.", ["Lab results: everything looks good."]),
            // A restart's leftover before `there is` goes; a place before it stays.
            ("Elbow: It there is some swelling on the lateral elbow.", ["Elbow: Swelling on the lateral elbow."]),
            ("Normal there is no fracture present.", ["No fracture present."]),
            (
                "On the right inferior back there is a 1 cm shave biopsy site.",
                ["On the right inferior back there is a 1 cm shave biopsy site."]
            ),
            ("No fracture or there is no dislocation.", ["No fracture or dislocation."]),
        ])
    func terseFindings(spoken: String, written: [String]) {
        #expect(ClinicalStyle.findings(spoken) == written)
    }
}
