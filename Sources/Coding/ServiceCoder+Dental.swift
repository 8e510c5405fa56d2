import Scribe
import Terminology

extension ServiceCoder {
    /// Tooth types by Universal number: molars, premolars, the rest anterior.
    static func toothKind(_ number: Int) -> String {
        switch number {
        case 1...3, 14...19, 30...32: "molar"
        case 4, 5, 12, 13, 20, 21, 28, 29: "premolar"
        default: "anterior"
        }
    }

    /// Dental procedures (CDT), with our own labels.
    func dental() -> [ServiceCode] {
        var found: [ServiceCode] = []
        let all = Set(NoteSection.allCases)
        let teeth = note.entities.filter { $0.kind == .tooth }.compactMap { $0.value.flatMap { Int($0) } }
        let adult = (request.age ?? note.ageFromText ?? 18) >= 14
        func add(_ code: String, _ label: String, _ phrases: [String], units: Int = 1, performedOnly: Bool = true) {
            let matches = statements(saying: phrases, sections: all).filter { !performedOnly || performed($0.0) || note.statements[$0.0].section != .plan }
            guard let (_, phrase) = matches.first, !found.contains(where: { $0.code == code }) else { return }
            found.append(
                service(code, .cdt, label, units: units, confidence: 0.7, reason: "documented: \"\(phrase)\"", evidence: matches.map { evidence($0.0) }))
        }
        // Evaluations.
        let (patient, _) = patientStatus()
        let emergency = ["toothache", "tooth pain", "emergency", "limited exam", "problem focused", "broke", "broken tooth",
            "swelling"].contains { finder.anySays($0, in: 0..<texts.count) }
        if ["comprehensive exam", "comprehensive oral evaluation", "new patient exam"].contains(where: { cue in texts.contains { $0.contains(cue) } })
            || patient == .new && !emergency
        {
            add("D0150", "Comprehensive oral evaluation, new or established patient", ["exam", "evaluation", "examined", "examination"], performedOnly: false)
        } else if emergency {
            add("D0140", "Limited oral evaluation, problem focused", ["exam", "evaluation", "examined", "examination", "toothache", "tooth pain"], performedOnly: false)
        } else {
            add("D0120", "Periodic oral evaluation, established patient", ["periodic exam", "recall exam", "checkup", "check-up", "exam", "examination"], performedOnly: false)
        }
        // Radiographs.
        add("D0210", "Intraoral radiographs, complete series", ["full mouth series", "fmx", "full mouth x-rays", "full mouth radiographs"])
        add("D0274", "Bitewing radiographs, four images", ["four bitewings", "4 bitewings", "bitewings"])
        add("D0330", "Panoramic radiograph", ["panoramic", "panorex", "pano"])
        add("D0220", "Periapical radiograph, first image", ["periapical", "pa x-ray", "pa radiograph", "pa film"])
        // Preventive.
        if adult {
            add("D1110", "Prophylaxis (cleaning), adult", ["prophylaxis", "prophy", "cleaning", "scaled and polished"])
        } else {
            add("D1120", "Prophylaxis (cleaning), child", ["prophylaxis", "prophy", "cleaning"])
        }
        add(adult ? "D1208" : "D1206", adult ? "Topical fluoride, excluding varnish" : "Topical fluoride varnish", ["fluoride"])
        add("D1351", "Sealant, per tooth", ["sealant", "sealants"], units: max(1, teeth.count))
        // Periodontal.
        let quadrants = ["upper right", "upper left", "lower right", "lower left", "ur", "ul", "lr", "ll"].filter { cue in
            finder.anySays(cue, in: 0..<texts.count)
        }.count
        add("D4341", "Periodontal scaling and root planing, 4 or more teeth, per quadrant",
            ["scaling and root planing", "srp", "deep cleaning"], units: max(1, min(4, quadrants)))
        add("D4910", "Periodontal maintenance", ["periodontal maintenance", "perio maintenance"])
        // Restorations by surfaces and tooth.
        let restorationPhrases = ["filling", "composite", "resin", "restoration", "restored"]
        if let (index, phrase) = statements(saying: restorationPhrases, sections: all).first(where: { performed($0.0) || note.statements[$0.0].section != .plan }) {
            let text = texts[index]
            let surfaces = Self.surfaceCount(text)
            let tooth = teeth.first
            let anterior = tooth.map { Self.toothKind($0) == "anterior" } ?? false
            let amalgam = text.contains("amalgam")
            let code: String
            if amalgam {
                code = ["D2140", "D2150", "D2160", "D2161"][min(surfaces, 4) - 1]
            } else if anterior {
                code = ["D2330", "D2331", "D2332", "D2335"][min(surfaces, 4) - 1]
            } else {
                code = ["D2391", "D2392", "D2393", "D2394"][min(surfaces, 4) - 1]
            }
            let material = amalgam ? "amalgam" : "resin-based composite"
            let place = anterior ? "anterior" : "posterior"
            found.append(
                service(
                    code, .cdt, "Restoration, \(material), \(amalgam ? "" : place + ", ")\(surfaces) surface\(surfaces == 1 ? "" : "s")",
                    confidence: 0.65,
                    reason: "\"\(phrase)\"" + (tooth.map { " on tooth #\($0)" } ?? "") + ", \(surfaces) surface\(surfaces == 1 ? "" : "s")",
                    evidence: [evidence(index)]))
        }
        add("D2740", "Crown, porcelain or ceramic", ["crown"])
        if let (index, phrase) = statements(saying: ["root canal", "endodontic", "pulpectomy"], sections: all).first(where: { performed($0.0) || note.statements[$0.0].section != .plan }) {
            let kind = teeth.first.map(Self.toothKind) ?? "molar"
            let code = ["anterior": "D3310", "premolar": "D3320", "molar": "D3330"][kind] ?? "D3330"
            found.append(service(code, .cdt, "Root canal treatment, \(kind)", confidence: 0.65, reason: "\"\(phrase)\"" + (teeth.first.map { " on tooth #\($0)" } ?? ""), evidence: [evidence(index)]))
        }
        if statements(saying: ["surgical extraction", "sectioned", "flap was raised", "bone removal"], sections: all).isEmpty {
            add("D7140", "Extraction, erupted tooth", ["extraction", "extracted", "pulled the tooth", "tooth was removed"], units: max(1, teeth.count))
        } else {
            add("D7210", "Surgical extraction, erupted tooth", ["surgical extraction", "sectioned", "flap was raised", "bone removal"], units: max(1, teeth.count))
        }
        add("D9110", "Palliative treatment of dental pain", ["palliative"])
        add("D9230", "Nitrous oxide analgesia", ["nitrous"])
        for index in found.indices { found[index].rank = index + 1 }
        return found
    }

    /// The surfaces a restoration names: `MOD` is three, `two surface`, `occlusal`.
    static func surfaceCount(_ text: String) -> Int {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        for (index, word) in words.enumerated() where word.hasPrefix("surface") && index > 0 {
            if let count = SpokenNumber.value(endingAt: index - 1, in: words), (1...5).contains(count) { return count }
        }
        for word in words where (2...5).contains(word.count) && word.allSatisfy({ "modbfli".contains($0) }) && word != "old" && word != "mild" {
            if Set(word).count == word.count { return word.count }
        }
        let named = ["occlusal", "mesial", "distal", "buccal", "lingual", "facial", "incisal"].filter { words.contains($0) }
        return max(1, min(4, named.count))
    }
}
