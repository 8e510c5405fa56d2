/// Vital signs: blood pressure, heart and respiratory rate, temperature, oxygen saturation, weight and height, said or
/// written.
extension EntityExtractor {
    enum Vital: String, CaseIterable {
        case bloodPressure = "blood_pressure"
        case heartRate = "heart_rate"
        case respiratoryRate = "respiratory_rate"
        case temperature
        case oxygenSaturation = "oxygen_saturation"
        case weight
        case bodyMassIndex = "body_mass_index"
        case glucose
    }

    static let vitalTriggers = TokenPhrases(pairs: [
        ("blood pressure", "blood_pressure"), ("bp", "blood_pressure"), ("pressure", "blood_pressure"),
        ("heart rate", "heart_rate"), ("pulse", "heart_rate"), ("hr", "heart_rate"), ("pulse rate", "heart_rate"),
        ("respiratory rate", "respiratory_rate"), ("respirations", "respiratory_rate"), ("rr", "respiratory_rate"),
        ("respiration rate", "respiratory_rate"), ("breathing rate", "respiratory_rate"),
        ("resp rate", "respiratory_rate"),
        ("temperature", "temperature"), ("temp", "temperature"), ("febrile to", "temperature"),
        ("oxygen saturation", "oxygen_saturation"), ("o2 sat", "oxygen_saturation"), ("o2 sats", "oxygen_saturation"),
        ("sats", "oxygen_saturation"), ("sat", "oxygen_saturation"), ("saturation", "oxygen_saturation"),
        ("saturating", "oxygen_saturation"), ("spo2", "oxygen_saturation"), ("pulse ox", "oxygen_saturation"),
        ("pulse oximetry", "oxygen_saturation"), ("oxygen level", "oxygen_saturation"), ("o2", "oxygen_saturation"),
        ("oxygen", "oxygen_saturation"), ("weight", "weight"), ("weighs", "weight"), ("weighed", "weight"),
        ("weighing", "weight"), ("bmi", "body_mass_index"), ("body mass index", "body_mass_index"),
        ("glucose", "glucose"), ("blood sugar", "glucose"), ("sugar", "glucose"), ("fingerstick", "glucose"),
        ("cbg", "glucose"), ("blood glucose", "glucose"),
    ])

    func vitalSigns(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            guard let (name, count) = Self.vitalTriggers.match(tokens, at: index), let vital = Vital(rawValue: name)
            else {
                index += 1
                continue
            }
            let start = index
            index += count
            // The value follows within a few words (`blood pressure today is 142 over 88`).
            var probe = index
            while probe < tokens.count, probe - index < 6, SpokenNumber.read(tokens, at: probe) == nil,
                Self.vitalTriggers.match(tokens, at: probe) == nil, tokens[probe].text != "."
            {
                probe += 1
            }
            guard let (value, valueCount) = SpokenNumber.read(tokens, at: probe) else { continue }
            var end = probe + valueCount
            var entity: ClinicalEntity?
            func make(_ value: String, _ unit: String, attributes: [String: String] = [:]) -> ClinicalEntity {
                let range = Self.span(tokens, start, end - 1)
                return ClinicalEntity(
                    kind: .vitalSign, text: transcript.text(in: range), evidence: [range], name: vital.rawValue,
                    value: value, unit: unit, attributes: attributes)
            }
            switch vital {
            case .bloodPressure:
                guard end < tokens.count, tokens[end].text == "/" || tokens[end].text == "over",
                    let (diastolic, diastolicCount) = SpokenNumber.read(tokens, at: end + 1),
                    (50...300).contains(value), (20...200).contains(diastolic), diastolic < value
                else { break }
                end += 1 + diastolicCount
                entity = make("\(Self.format(value))/\(Self.format(diastolic))", "mm[Hg]")
            case .heartRate:
                guard (20...250).contains(value) else { break }
                entity = make(Self.format(value), "/min")
            case .respiratoryRate:
                guard (4...80).contains(value) else { break }
                entity = make(Self.format(value), "/min")
            case .temperature:
                var unit = end < tokens.count ? tokens[end].text : ""
                if unit == "degrees", end + 1 < tokens.count { unit = tokens[end + 1].text }
                if (86...113).contains(value), unit != "c", unit != "celsius" {
                    let celsius = ((value - 32) * 5 / 9 * 10).rounded() / 10
                    entity = make(Self.format(celsius), "Cel", attributes: ["original": "\(Self.format(value)) [degF]"])
                } else if (30...45).contains(value) {
                    entity = make(Self.format(value), "Cel")
                }
            case .oxygenSaturation:
                guard (50...100).contains(value) else { break }
                if end < tokens.count, tokens[end].text == "%" || tokens[end].text == "percent" { end += 1 }
                entity = make(Self.format(value), "%")
            case .weight:
                guard end < tokens.count else { break }
                switch tokens[end].text {
                case "pounds", "pound", "lbs", "lb":
                    end += 1
                    let kilograms = (value * 0.45359237 * 10).rounded() / 10
                    entity = make(
                        Self.format(kilograms), "kg", attributes: ["original": "\(Self.format(value)) [lb_av]"])
                case "kg", "kilograms", "kilos", "kilogram":
                    end += 1
                    entity = make(Self.format(value), "kg")
                default: break
                }
            case .bodyMassIndex:
                guard (10...100).contains(value) else { break }
                entity = make(Self.format(value), "kg/m2")
            case .glucose:
                guard (20...1000).contains(value) else { break }
                entity = make(Self.format(value), "mg/dL")
            }
            if let entity {
                entities.append(entity)
                index = end
            }
        }
        return entities
    }
}
