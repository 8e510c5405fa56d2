/// A procedure or service code system.
public enum CodeSystem: String, Hashable, Sendable, Codable {
    case cpt = "CPT"
    case hcpcs = "HCPCS"
    case cdt = "CDT"
}

/// A procedure or service recognised in a note, with our own short label (CPT descriptors are the AMA's and
/// CDT descriptors the ADA's; only the code numbers are used). Written for this project.
public struct ServiceEntry: Sendable {
    /// The code.
    public var code: String
    public var system: CodeSystem
    /// Our label.
    public var label: String
    /// Phrases (lower case) that document it.
    public var phrases: [String]
    /// Whether the phrase must come with words saying it was done at this visit (not only planned).
    public var needsPerformed: Bool
    /// Whether a visit with it needs modifier 25 on a same-day E/M.
    public var separateProcedure: Bool
}

/// The CPT, HCPCS Level II and CDT codes the coder recognises, and the words that document them.
public enum ServiceCatalog {
    public static let performedCues = [
        "performed", "administered", "given", "gave", "injected", "done", "completed", "obtained", "placed", "applied",
        "removed", "drained", "today", "in the office", "in office", "in clinic", "we did", "i did", "was done",
        "tolerated", "shows", "showed", "revealed", "reveals", "positive", "negative", "result", "under sterile",
        "prepped", "cleaned", "irrigated", "was used", "were used", "we used", "frozen", "froze", "treated with",
        "received", "sutured", "repaired", "aspirated", "we drew", "drawn", "collected", "nurse will give",
    ]
    public static let plannedCues = [
        "will schedule", "schedule", "refer", "referral", "consider", "next visit", "if ", "return for", "will order",
        "plan to", "we'll do", "we will do", "discussed", "recommend", "may need", "would like to",
    ]

    /// In-office procedures and tests (CPT).
    public static let procedures: [ServiceEntry] = [
        // Joint and soft-tissue injections: the joint size is chosen from the site (see `jointCode`).
        .init(code: "20610", system: .cpt, label: "Major joint injection or aspiration", phrases: [
            "joint injection", "intra-articular injection", "intraarticular injection", "arthrocentesis",
            "joint aspiration", "steroid injection", "corticosteroid injection", "cortisone injection", "cortisone shot",
            "steroid shot", "injected the", "injection into the", "aspirated the", "knee injection", "shoulder injection",
            "hip injection", "subacromial injection",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "20552", system: .cpt, label: "Trigger point injection, 1-2 muscles", phrases: [
            "trigger point injection", "trigger point injections",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "20550", system: .cpt, label: "Tendon sheath or ligament injection", phrases: [
            "tendon sheath injection", "injected the tendon sheath", "trigger finger injection", "de quervain injection",
            "plantar fascia injection",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "96372", system: .cpt, label: "Therapeutic injection, IM or subcutaneous", phrases: [
            "im injection", "intramuscular injection", "intramuscularly", "shot of rocephin", "shot of ceftriaxone",
            "rocephin injection", "ceftriaxone im", "toradol injection", "toradol shot", "ketorolac injection",
            "b12 injection", "b12 shot", "depo-provera injection", "depo provera shot", "depo-provera shot",
            "depo-medrol injection", "kenalog injection", "testosterone injection", "im ceftriaxone", "im toradol",
            "im kenalog", "subcutaneous injection",
        ], needsPerformed: true, separateProcedure: true),
        // Tests done in the office.
        .init(code: "93000", system: .cpt, label: "ECG, 12-lead, with interpretation and report", phrases: [
            "ekg", "ecg", "electrocardiogram",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "94060", system: .cpt, label: "Spirometry before and after bronchodilator", phrases: [
            "pre and post bronchodilator", "before and after bronchodilator", "pre- and post-bronchodilator",
            "post-bronchodilator spirometry",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "94010", system: .cpt, label: "Spirometry", phrases: ["spirometry", "pulmonary function testing in office"],
            needsPerformed: true, separateProcedure: false),
        .init(code: "94640", system: .cpt, label: "Nebulizer treatment", phrases: [
            "nebulizer treatment", "neb treatment", "breathing treatment", "duoneb", "albuterol nebulizer",
            "nebulized albuterol",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "87880", system: .cpt, label: "Rapid strep test", phrases: [
            "rapid strep", "strep test", "rapid streptococcal", "strep swab",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "87804", system: .cpt, label: "Rapid influenza test", phrases: [
            "rapid flu", "flu test", "influenza test", "flu swab", "rapid influenza",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "87811", system: .cpt, label: "Rapid COVID-19 antigen test", phrases: [
            "rapid covid", "covid test", "covid antigen", "covid swab", "covid-19 test",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "81025", system: .cpt, label: "Urine pregnancy test", phrases: [
            "urine pregnancy test", "pregnancy test", "urine hcg",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "81002", system: .cpt, label: "Urinalysis, dipstick, in office", phrases: [
            "urine dip", "urine dipstick", "dipstick urinalysis", "urinalysis in the office", "point of care urinalysis",
            "ua dip", "urinalysis today",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "82962", system: .cpt, label: "Blood glucose by fingerstick meter", phrases: [
            "fingerstick glucose", "finger stick glucose", "point of care glucose", "accucheck", "accu-check",
            "fingerstick blood sugar", "finger stick blood sugar",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "83036", system: .cpt, label: "Hemoglobin A1c", phrases: [
            "a1c in the office", "a1c today", "point of care a1c", "in-office a1c", "poc a1c",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "36415", system: .cpt, label: "Venipuncture", phrases: [
            "blood drawn", "labs drawn", "venipuncture", "blood draw", "drew blood", "drew labs",
        ], needsPerformed: true, separateProcedure: false),
        .init(code: "96127", system: .cpt, label: "Brief emotional or behavioral assessment, per instrument", phrases: [
            "phq-9", "phq9", "phq 9", "gad-7", "gad7", "gad 7", "phq-2", "edinburgh", "vanderbilt",
        ], needsPerformed: false, separateProcedure: false),
        // Minor procedures.
        .init(code: "69210", system: .cpt, label: "Removal of impacted cerumen with instruments", phrases: [
            "cerumen removal", "removed the cerumen", "removal of cerumen", "earwax removal", "ear wax removal",
            "cerumen was removed", "removed the ear wax", "removed the earwax", "curetted the cerumen",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "69209", system: .cpt, label: "Removal of impacted cerumen by irrigation", phrases: [
            "ear irrigation", "ear lavage", "irrigated the ear", "irrigation of the ear", "ears were irrigated",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "17110", system: .cpt, label: "Destruction of benign lesions (warts), up to 14", phrases: [
            "cryotherapy", "liquid nitrogen", "froze the wart", "wart was frozen", "warts were frozen",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "11102", system: .cpt, label: "Shave (tangential) skin biopsy, first lesion", phrases: [
            "shave biopsy", "tangential biopsy",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "11104", system: .cpt, label: "Punch skin biopsy, first lesion", phrases: ["punch biopsy"],
            needsPerformed: true, separateProcedure: true),
        .init(code: "10060", system: .cpt, label: "Incision and drainage of abscess, simple", phrases: [
            "incision and drainage", "i&d", "i and d", "incised and drained", "lanced",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "12001", system: .cpt, label: "Simple repair of superficial wound, up to 2.5 cm", phrases: [
            "laceration repair", "sutured", "sutures placed", "stitches placed", "repaired the laceration",
            "closed with sutures", "simple repair",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "11730", system: .cpt, label: "Nail avulsion, partial or complete", phrases: [
            "nail avulsion", "removed the toenail", "removed the nail", "partial nail removal", "wedge resection",
            "removal of the ingrown",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "29125", system: .cpt, label: "Short arm splint, static", phrases: [
            "wrist splint was applied", "short arm splint", "splinted the wrist", "thumb spica splint", "applied a splint",
            "splint was applied", "placed in a splint",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "11200", system: .cpt, label: "Removal of skin tags, up to 15", phrases: [
            "skin tag removal", "removed the skin tag", "skin tags were removed",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "99406", system: .cpt, label: "Tobacco cessation counseling, 3-10 minutes", phrases: [
            "smoking cessation counseling", "tobacco cessation counseling", "counseled on smoking cessation",
            "counseled on quitting smoking", "counseled the patient to quit smoking", "discussed smoking cessation",
        ], needsPerformed: false, separateProcedure: false),
    ]

    /// Vaccines: the product code (CPT) and, for each, an administration code is added.
    public static let vaccines: [ServiceEntry] = [
        .init(code: "90656", system: .cpt, label: "Influenza vaccine, trivalent, preservative free, IM", phrases: [
            "flu shot", "flu vaccine", "influenza vaccine", "flu vaccination", "influenza vaccination",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "90715", system: .cpt, label: "Tdap vaccine, IM", phrases: ["tdap"], needsPerformed: true,
            separateProcedure: true),
        .init(code: "90714", system: .cpt, label: "Td vaccine, IM", phrases: ["tetanus shot", "td booster", "tetanus booster"],
            needsPerformed: true, separateProcedure: true),
        .init(code: "90750", system: .cpt, label: "Zoster vaccine, recombinant, IM", phrases: [
            "shingrix", "shingles vaccine", "shingles shot", "zoster vaccine",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "90677", system: .cpt, label: "Pneumococcal conjugate vaccine, 20-valent, IM", phrases: [
            "prevnar 20", "pcv20", "pneumonia vaccine", "pneumococcal vaccine", "pneumonia shot", "pneumococcal booster",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "90746", system: .cpt, label: "Hepatitis B vaccine, adult, IM", phrases: [
            "hepatitis b vaccine", "hep b vaccine",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "90632", system: .cpt, label: "Hepatitis A vaccine, adult, IM", phrases: [
            "hepatitis a vaccine", "hep a vaccine",
        ], needsPerformed: true, separateProcedure: true),
        .init(code: "90651", system: .cpt, label: "HPV vaccine, 9-valent, IM", phrases: ["hpv vaccine", "gardasil"],
            needsPerformed: true, separateProcedure: true),
        .init(code: "90707", system: .cpt, label: "MMR vaccine, subcutaneous", phrases: ["mmr vaccine", "mmr"],
            needsPerformed: true, separateProcedure: true),
        .init(code: "90716", system: .cpt, label: "Varicella vaccine, live, subcutaneous", phrases: [
            "varicella vaccine", "chickenpox vaccine", "chicken pox vaccine", "chickenpox shot", "varivax",
        ], needsPerformed: true, separateProcedure: true),
    ]

    /// Drugs given in the office (HCPCS Level II), with the amount one unit covers (in mg) when units count.
    public static let drugs: [(code: String, label: String, names: [String], milligramsPerUnit: Double?)] = [
        ("J3301", "Triamcinolone acetonide injection, per 10 mg", ["kenalog", "triamcinolone"], 10),
        ("J1030", "Methylprednisolone acetate injection, 40 mg", ["depo-medrol 40", "methylprednisolone 40"], nil),
        ("J1040", "Methylprednisolone acetate injection, 80 mg", ["depo-medrol", "methylprednisolone acetate", "depo medrol"], nil),
        ("J1100", "Dexamethasone sodium phosphate injection, per 1 mg", ["dexamethasone", "decadron"], 1),
        ("J0696", "Ceftriaxone injection, per 250 mg", ["ceftriaxone", "rocephin"], 250),
        ("J1885", "Ketorolac injection, per 15 mg", ["ketorolac", "toradol"], 15),
        ("J3420", "Vitamin B12 (cyanocobalamin) injection, up to 1,000 mcg", ["b12 injection", "b12 shot", "cyanocobalamin"], nil),
        ("J1050", "Medroxyprogesterone acetate injection, per 1 mg", ["depo-provera", "depo provera", "medroxyprogesterone"], 1),
        ("J1071", "Testosterone cypionate injection, per 1 mg", ["testosterone cypionate", "testosterone injection"], 1),
        ("J7613", "Albuterol inhalation solution, unit dose, per 1 mg", ["albuterol nebulizer", "nebulized albuterol", "albuterol neb"], 1),
        ("J7620", "Albuterol and ipratropium inhalation solution, unit dose", ["duoneb", "ipratropium"], nil),
        ("J2550", "Promethazine injection, up to 50 mg", ["phenergan injection", "promethazine injection"], nil),
    ]

    /// Supplies and equipment dispensed at the visit (HCPCS Level II).
    public static let supplies: [(code: String, label: String, phrases: [String])] = [
        ("E0114", "Crutches, underarm, pair", ["crutches"]),
        ("E0100", "Cane", ["a cane", "cane was"]),
        ("E0130", "Walker, rigid", ["walker"]),
        ("A4565", "Arm sling", ["sling"]),
        ("L1830", "Knee immobilizer, prefabricated, off-the-shelf", ["knee immobilizer"]),
        ("L3908", "Wrist splint (cock-up), prefabricated, off-the-shelf", ["wrist brace", "cock-up splint", "wrist splint"]),
        ("L0120", "Cervical collar, soft, prefabricated", ["cervical collar", "soft collar"]),
        ("E0570", "Nebulizer machine", ["nebulizer machine", "home nebulizer"]),
        ("E0607", "Home blood glucose monitor", ["glucometer", "glucose meter", "blood glucose monitor"]),
    ]
    public static let dispensedCues = [
        "dispensed", "given", "provided", "fitted", "placed in", "issued", "supplied", "sent home with", "fit with",
        "applied",
    ]

    /// Physical, occupational and speech therapy, and other time-based services: minutes → units.
    public static let timedTherapy: [(code: String, label: String, phrases: [String])] = [
        ("97110", "Therapeutic exercise, each 15 minutes", [
            "therapeutic exercise", "therapeutic exercises", "strengthening exercises", "range of motion exercises",
            "stretching exercises", "ther ex", "therex",
        ]),
        ("97112", "Neuromuscular re-education, each 15 minutes", [
            "neuromuscular re-education", "neuromuscular reeducation", "balance training", "proprioceptive training",
        ]),
        ("97116", "Gait training, each 15 minutes", ["gait training", "stair training"]),
        ("97140", "Manual therapy, each 15 minutes", [
            "manual therapy", "soft tissue mobilization", "joint mobilization", "myofascial release",
        ]),
        ("97530", "Therapeutic activities, each 15 minutes", ["therapeutic activities", "therapeutic activity", "functional activities"]),
        ("97535", "Self-care and home management training, each 15 minutes", [
            "self-care training", "self care training", "adl training", "activities of daily living training",
            "home management training",
        ]),
        ("97035", "Ultrasound therapy, each 15 minutes", ["ultrasound therapy", "therapeutic ultrasound"]),
        ("97032", "Electrical stimulation, attended, each 15 minutes", ["attended electrical stimulation", "manual electrical stimulation"]),
    ]
}

/// The office and outpatient visit codes (AMA E/M guidelines, 2021 with the 2024 time thresholds) and the
/// preventive medicine visit codes by age.
public enum VisitCodes {
    /// The code for a level of medical decision making, 1 (straightforward) to 4 (high).
    public static func code(forComplexity level: Int, newPatient: Bool) -> String {
        let codes = newPatient ? ["99202", "99203", "99204", "99205"] : ["99212", "99213", "99214", "99215"]
        return codes[min(max(level, 1), 4) - 1]
    }

    /// The code total time on the date of the visit reaches: new 15/30/45/60 minutes, established 10/20/30/40.
    public static func code(forMinutes minutes: Int, newPatient: Bool) -> String? {
        let thresholds: [(Int, String)] = newPatient
            ? [(60, "99205"), (45, "99204"), (30, "99203"), (15, "99202")]
            : [(40, "99215"), (30, "99214"), (20, "99213"), (10, "99212")]
        return thresholds.first { minutes >= $0.0 }?.1
    }

    /// The minutes of the highest level, after which prolonged service (99417) counts each 15 minutes.
    public static func prolongedAfter(newPatient: Bool) -> Int { newPatient ? 60 : 40 }

    /// Preventive medicine visits: (age below which the band applies, new patient code, established code).
    public static let preventiveBands: [(belowAge: Int, new: String, established: String)] = [
        (1, "99381", "99391"), (5, "99382", "99392"), (12, "99383", "99393"), (18, "99384", "99394"),
        (40, "99385", "99395"), (65, "99386", "99396"), (200, "99387", "99397"),
    ]
}
