import Scribe
import Testing

@Suite("Entity extraction")
struct EntityExtractorTests {
    /// The entities of a dictation-style text (padded to the minimum transcript length).
    func entities(_ text: String) throws -> [ClinicalEntity] {
        let padded = text.unicodeScalars.count < 50 ? text + String(repeating: " ", count: 50) : text
        return EntityExtractor().entities(in: try Transcript(padded))
    }

    func problem(_ name: String, in entities: [ClinicalEntity]) -> ClinicalEntity? {
        entities.first { $0.kind == .problem && $0.name == name }
    }

    @Test("a clinician's statement with `okay?` tagged on states its problems; a real question does not")
    func statementsWithACheck() throws {
        let stated = try Transcript(
            """
            [doctor] and for your high blood pressure , it looks like you're managing it well at this time , okay ?
            [patient] mm-hmm .
            """)
        #expect(problem("hypertension", in: EntityExtractor().entities(in: stated)) != nil)
        let asked = try Transcript(
            """
            [doctor] and have you ever been told you have high blood pressure , or diabetes ?
            [patient] no , never .
            """)
        // The question's problem is the answer's: denied.
        #expect(problem("hypertension", in: EntityExtractor().entities(in: asked))?.negated == true)
    }

    @Test("a denial written with its contraction split (`have n't`) denies, and its `any` is not a question")
    func splitContractionDenies() throws {
        let said = try Transcript(
            """
            [doctor] how is your breathing these days ?
            [patient] i have n't noticed any shortness of breath . i have not had any chest pain either .
            [doctor] okay .
            """)
        let found = EntityExtractor().entities(in: said)
        let breath = try #require(problem("shortness of breath", in: found))
        #expect(breath.negated && breath.context == nil)
        let chest = try #require(problem("chest pain", in: found))
        #expect(chest.negated && chest.context == nil)
        // A question's `any` with no denial still asks.
        let asked = try entities("Call us if you have any chest pain or fever over the weekend, she was told today.")
        #expect(problem("chest pain", in: asked)?.context == .hypothetical)
    }

    @Test("an answer that opens like a yes and goes on to deny (`i have n't noticed any`) is a no")
    func yesOpeningThatDenies() throws {
        let said = try Transcript(
            """
            [doctor] are you having any shortness of breath ?
            [patient] i have n't noticed any shortness of breath . just a dry cough .
            [doctor] okay .
            """)
        let found = EntityExtractor().entities(in: said).filter { $0.name == "shortness of breath" }
        #expect(!found.isEmpty)
        let allDenied = found.allSatisfy { $0.negated }
        #expect(allDenied)
    }

    @Test("vital signs are read with their values normalised to UCUM units")
    func vitals() throws {
        let found = try entities(
            "Blood pressure is 142 over 88, heart rate 78, temperature 99.1, oxygen saturation 97 percent on room air. "
                + "Respiratory rate 16. She weighs 180 pounds. BMI 31.2.")
        let vitals = Dictionary(
            found.filter { $0.kind == .vitalSign }.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(vitals["blood_pressure"]?.value == "142/88")
        #expect(vitals["blood_pressure"]?.unit == "mm[Hg]")
        #expect(vitals["heart_rate"]?.value == "78")
        #expect(vitals["heart_rate"]?.unit == "/min")
        #expect(vitals["temperature"]?.value == "37.3")
        #expect(vitals["temperature"]?.unit == "Cel")
        #expect(vitals["temperature"]?.attributes["original"] == "99.1 [degF]")
        #expect(vitals["oxygen_saturation"]?.value == "97")
        #expect(vitals["respiratory_rate"]?.value == "16")
        #expect(vitals["weight"]?.value == "81.6")
        #expect(vitals["weight"]?.unit == "kg")
        #expect(vitals["body_mass_index"]?.value == "31.2")
    }

    @Test("vital signs said in words, and out-of-range numbers refused")
    func spokenVitals() throws {
        let found = try entities(
            "Her blood pressure today is one forty two over eighty eight and her pulse is 900 apparently.")
        #expect(found.first { $0.name == "blood_pressure" }?.value == "142/88")
        #expect(!found.contains { $0.name == "heart_rate" })
    }

    @Test("medications with dose, route, frequency and what is done with them")
    func medications() throws {
        let found = try entities(
            "He takes lisinopril 10 mg by mouth once a day. I'll prescribe benzonatate 100 mg three times a day as needed. "
                + "Continue zorbamycin 20 mg twice daily. Increase the sertraline to 100 mg daily.")
        let medications = found.filter { $0.kind == .medication }
        #expect(medications.map(\.name) == ["lisinopril", "benzonatate", "zorbamycin", "sertraline"])
        #expect(
            medications[0].attributes == ["dose": "10 mg", "route": "oral", "frequency": "daily", "action": "taking"])
        #expect(medications[1].attributes["action"] == "start")
        #expect(medications[1].attributes["frequency"] == "three times daily")
        #expect(medications[1].attributes["asNeeded"] == "true")
        #expect(medications[2].attributes["frequency"] == "twice daily")
        #expect(medications[3].attributes["action"] == "increase")
        #expect(medications[3].attributes["dose"] == "100 mg")
    }

    @Test("allergies: the substance and reaction; an allergy is not a medication; no known allergies is negated")
    func allergies() throws {
        let found = try entities("I'm allergic to penicillin, I get a rash. No known drug allergies otherwise.")
        let allergy = try #require(found.first { $0.kind == .allergy && !$0.negated })
        #expect(allergy.name == "penicillin")
        #expect(allergy.attributes["reaction"] == "rash")
        #expect(!found.contains { $0.kind == .medication })
        #expect(found.contains { $0.kind == .allergy && $0.negated && $0.name == "no known allergies" })
    }

    @Test("a vaccine named by its disease is not the disease")
    func vaccines() throws {
        let found = try entities("She is due for her flu shot and a tetanus booster today. She had the flu last month.")
        #expect(found.filter { $0.kind == .problem && $0.name.contains("flu") }.count == 1)
        #expect(problem("tetanus", in: found) == nil)
    }

    @Test("a vaccine asked about and not had is no disease denied")
    func vaccineAnswered() throws {
        let note = try NoteWriter().note(
            transcript: """
                [doctor] and are you up to date on your shots ? have you had a flu shot this year ?
                [patient] no , not yet .
                [doctor] any fever or chills ?
                [patient] no .
                """)
        let text = note.statements.map(\.text).joined(separator: " ")
        #expect(!text.contains("flu"), "\(text)")
        #expect(text.contains("Denies fever"), "\(text)")
    }

    @Test("CVA said of the flank is the costovertebral angle, not a stroke; a CVA in the history is a stroke")
    func costovertebralAngle() throws {
        let flank = try entities(
            "On exam there is CVA tenderness on the right. That tenderness around your cva is the kidney.")
        #expect(!flank.contains { $0.kind == .problem && $0.name.hasPrefix("stroke") })
        let history = try entities("She had a CVA two years ago with some residual weakness of her left arm.")
        #expect(history.contains { $0.kind == .problem && $0.name.hasPrefix("stroke") })
    }

    @Test("negation: denied findings are negative, and the scope ends at but")
    func negation() throws {
        let found = try entities(
            "She denies chest pain or shortness of breath. No fever but she has a cough. Pneumonia was ruled out.")
        #expect(problem("chest pain", in: found)?.negated == true)
        #expect(problem("shortness of breath", in: found)?.negated == true)
        #expect(problem("fever", in: found)?.negated == true)
        #expect(problem("cough", in: found)?.negated == false)
        #expect(problem("pneumonia", in: found)?.negated == true)
    }

    @Test("uncertainty, hypothetical, historical and family mentions")
    func modifiers() throws {
        let found = try entities(
            "We need to rule out disc herniation. Call us if you get a fever. She has a history of asthma. "
                + "Her mother had breast cancer. I'm not sure if it's a migraine.")
        let hernia = try #require(problem("herniated disc", in: found))
        #expect(hernia.uncertain && !hernia.negated)
        #expect(problem("fever", in: found)?.context == .hypothetical)
        #expect(problem("asthma", in: found)?.context == .historical)
        #expect(problem("breast cancer", in: found)?.context == .family)
        let migraine = try #require(problem("headache", in: found))
        #expect(migraine.uncertain && !migraine.negated)
    }

    @Test("a clinician's yes/no question and the patient's answer are read together, with both as evidence")
    func questionAndAnswer() throws {
        let text = """
            [doctor] any chest pain or shortness of breath?
            [patient] no.
            [doctor] any fever?
            [patient] yes, a little last week.
            [doctor] you're taking metformin 500 mg twice a day?
            [patient] yes.
            """
        let transcript = try Transcript(text)
        let found = EntityExtractor().entities(in: transcript)
        let chestPain = try #require(problem("chest pain", in: found))
        #expect(chestPain.negated)
        #expect(chestPain.evidence.count == 2)
        #expect(transcript.text(in: chestPain.evidence[1]) == "no.")
        #expect(problem("shortness of breath", in: found)?.negated == true)
        #expect(problem("fever", in: found)?.negated == false)
        #expect(found.first { $0.kind == .medication }?.attributes["dose"] == "500 mg")
    }

    @Test("durations as ISO 8601; ages and frequencies are not durations")
    func durations() throws {
        let found = try entities(
            "A 42-year-old man with cough for three weeks, fever for 2 days, and knee pain since 6 months ago. "
                + "He takes it twice a day.")
        let durations = found.filter { $0.kind == .duration }
        #expect(durations.map(\.value) == ["P3W", "P2D", "P6M"])
        #expect(durations[2].attributes["relation"] == "ago")
    }

    @Test("pain scores, sides of the body and tooth numbers")
    func scoresSidesTeeth() throws {
        let found = try entities(
            "The pain in her left knee is 7/10 today. Tooth number 3 is tender to percussion and #14 is fine. "
                + "Bilateral ankle swelling.")
        #expect(found.first { $0.kind == .painScore }?.value == "7")
        let side = try #require(found.first { $0.kind == .laterality })
        #expect(side.value == "left" && side.name == "knee")
        #expect(found.filter { $0.kind == .tooth }.map(\.value) == ["3", "14"])
        #expect(found.contains { $0.kind == .laterality && $0.value == "bilateral" && $0.name == "ankle" })
    }

    @Test("every entity's first evidence range holds its text")
    func evidence() throws {
        let text = """
            [doctor] what brings you in today?
            [patient] I've had a cough for three weeks and my right ear hurts, about 4 out of 10.
            [doctor] your blood pressure is 130 over 80. I'll start amoxicillin 500 mg three times a day.
            """
        let transcript = try Transcript(text)
        let found = EntityExtractor().entities(in: transcript)
        #expect(found.count >= 6)
        for entity in found {
            #expect(!entity.evidence.isEmpty)
            #expect(transcript.text(in: entity.evidence[0]) == entity.text)
            for range in entity.evidence {
                #expect(range.lowerBound >= 0 && range.upperBound <= transcript.scalarCount)
            }
        }
    }

    @Test("a drug named in answer to a question about allergies is an allergy, not a medication; a denial names none")
    func allergyAnswers() throws {
        let asked = try Transcript(
            """
            [doctor] any allergies to medications ?
            [patient] yeah , penicillin .
            [doctor] and what do you take for your blood pressure ?
            [patient] lisinopril , 10 milligrams .
            """)
        let found = EntityExtractor().entities(in: asked)
        #expect(found.contains { $0.kind == .allergy && $0.name.lowercased() == "penicillin" }, "\(found)")
        #expect(!found.contains { $0.kind == .medication && $0.name.lowercased() == "penicillin" }, "\(found)")
        #expect(found.contains { $0.kind == .medication && $0.name.lowercased() == "lisinopril" }, "\(found)")
        let denied = try Transcript(
            """
            [doctor] any allergies to medications ?
            [patient] no , not to penicillin or anything .
            """)
        #expect(!EntityExtractor().entities(in: denied).contains { $0.kind == .allergy && !$0.negated })
        // A question about treating allergies asks for a medication, not an allergy.
        let treated = try Transcript(
            """
            [doctor] what do you take for your allergies ?
            [patient] yeah , cetirizine every morning .
            """)
        let taken = EntityExtractor().entities(in: treated)
        #expect(!taken.contains { $0.kind == .allergy && !$0.negated }, "\(taken)")
    }
}
