/// Abbreviations and lay terms clinicians and patients use, with the words the ICD-10-CM titles use for
/// them. Maintained by hand for this project; each pair reads "said" → "as the code tables write it".
enum Synonyms {
    static let pairs: [(said: String, written: String)] = [
        // Cardiovascular
        ("htn", "essential hypertension"), ("high blood pressure", "essential hypertension"),
        ("elevated blood pressure", "elevated blood pressure reading without diagnosis hypertension"),
        ("bp", "blood pressure"),
        ("chf", "congestive heart failure"), ("hf", "heart failure"),
        ("hfref", "heart failure systolic"), ("hfpef", "heart failure diastolic"),
        ("heart attack", "myocardial infarction"), ("mi", "myocardial infarction"),
        ("stemi", "st elevation myocardial infarction"), ("nstemi", "non st elevation myocardial infarction"),
        ("cad", "atherosclerotic heart disease native coronary artery"),
        ("coronary artery disease", "atherosclerotic heart disease native coronary artery"),
        ("afib", "atrial fibrillation"), ("a fib", "atrial fibrillation"), ("af", "atrial fibrillation"),
        ("pvd", "peripheral vascular disease"), ("pad", "peripheral vascular disease"),
        ("dvt", "deep vein thrombosis"), ("svt", "supraventricular tachycardia"),
        ("hld", "hyperlipidemia"), ("high cholesterol", "hypercholesterolemia"),
        ("dyslipidemia", "hyperlipidemia"),
        ("palpitation", "palpitations"), ("racing heart", "palpitations"),
        ("stroke", "cerebral infarction"), ("cva", "cerebral infarction"),
        ("tia", "transient cerebral ischemic attack"), ("mini stroke", "transient cerebral ischemic attack"),
        // Endocrine
        ("t2dm", "type 2 diabetes mellitus"), ("dm2", "type 2 diabetes mellitus"), ("dm ii", "type 2 diabetes mellitus"),
        ("dm 2", "type 2 diabetes mellitus"), ("niddm", "type 2 diabetes mellitus"),
        ("type ii diabetes", "type 2 diabetes mellitus"), ("type 2 diabetes", "type 2 diabetes mellitus"),
        ("type two diabetes", "type 2 diabetes mellitus"), ("t1dm", "type 1 diabetes mellitus"),
        ("dm1", "type 1 diabetes mellitus"), ("type i diabetes", "type 1 diabetes mellitus"),
        ("type 1 diabetes", "type 1 diabetes mellitus"), ("iddm", "type 1 diabetes mellitus"),
        ("dm", "diabetes mellitus"), ("diabetes", "diabetes mellitus"), ("diabetic", "diabetes mellitus"),
        ("sugar diabetes", "diabetes mellitus"), ("high sugar", "hyperglycemia"), ("sugar", "diabetes mellitus"), ("blood sugar", "blood glucose"),
        ("sugars", "blood glucose"), ("blood sugars", "blood glucose"),
        ("high blood sugar", "hyperglycemia"), ("low blood sugar", "hypoglycemia"),
        ("gdm", "gestational diabetes mellitus"), ("underactive thyroid", "hypothyroidism"),
        ("overactive thyroid", "hyperthyroidism"), ("low vitamin d", "vitamin d deficiency"),
        ("overweight", "overweight"), ("morbid obesity", "morbid severe obesity"),
        // Respiratory
        ("copd", "chronic obstructive pulmonary disease"), ("emphysema", "emphysema"),
        ("uri", "acute upper respiratory infection"), ("urti", "acute upper respiratory infection"),
        ("upper respiratory infection", "acute upper respiratory infection"),
        ("common cold", "acute nasopharyngitis common cold"), ("head cold", "acute nasopharyngitis common cold"), ("strep throat", "streptococcal pharyngitis"),
        ("strep", "streptococcal"), ("sore throat", "pharyngitis"), ("flu", "influenza"),
        ("covid", "covid 19"), ("covid19", "covid 19"), ("coronavirus", "covid 19"), ("sars cov 2", "covid 19"),
        ("rsv", "respiratory syncytial virus"), ("sob", "shortness breath"), ("short of breath", "shortness breath"), ("osa", "obstructive sleep apnea"), ("sleep apnea", "sleep apnea"),
        ("hay fever", "allergic rhinitis due pollen"), ("seasonal allergy", "allergic rhinitis"),
        ("deviated septum", "deviated nasal septum"),
        ("sinus infection", "sinusitis"), ("stuffy nose", "nasal congestion"), ("runny nose", "rhinorrhea"),
        // Digestive
        ("gerd", "gastro esophageal reflux disease"), ("acid reflux", "gastro esophageal reflux disease"),
        ("reflux", "gastro esophageal reflux disease"), ("heartburn", "heartburn"),
        ("ibs", "irritable bowel syndrome"), ("ibd", "inflammatory bowel disease"),
        ("stomach flu", "gastroenteritis colitis"), ("stomach bug", "gastroenteritis colitis"),
        ("stomach pain", "abdominal pain"), ("belly pain", "abdominal pain"), ("tummy ache", "abdominal pain"),
        ("throwing up", "vomiting"), ("nafld", "nonalcoholic fatty liver disease"), ("fatty liver", "fatty liver"),
        ("piles", "hemorrhoids"), ("h pylori", "helicobacter pylori"),
        // Genitourinary
        ("uti", "urinary tract infection"), ("bladder infection", "cystitis"), ("kidney infection", "pyelonephritis"),
        ("ckd", "chronic kidney disease"), ("esrd", "end stage renal disease"), ("aki", "acute kidney failure"),
        ("kidney stone", "calculus kidney"), ("nephrolithiasis", "calculus kidney"),
        ("bph", "benign prostatic hyperplasia"), ("enlarged prostate", "benign prostatic hyperplasia"),
        ("yeast infection", "candidiasis vulva vagina"),
        ("bv", "bacterial vaginosis"), ("pcos", "polycystic ovarian syndrome"), ("std", "sexually transmitted"),
        // Musculoskeletal
        ("oa", "osteoarthritis"), ("djd", "osteoarthritis"), ("degenerative joint disease", "osteoarthritis"),
        ("arthritis", "arthritis"), ("lbp", "low back pain"),
        ("back pain", "back pain"), ("sciatica", "sciatica"), ("cts", "carpal tunnel syndrome"),
        ("carpal tunnel", "carpal tunnel syndrome"), ("tennis elbow", "lateral epicondylitis"),
        ("golfer elbow", "medial epicondylitis"), ("frozen shoulder", "adhesive capsulitis shoulder"),
        ("rotator cuff tear", "rotator cuff tear rupture"), ("acl tear", "anterior cruciate ligament"),
        ("sprained", "sprain"), ("strained", "strain"), ("fractured", "fracture"), ("torn", "tear"),
        ("scrape", "abrasion"), ("osteoporotic", "osteoporosis"),
        ("bruise", "contusion"), ("bruised", "contusion"), ("rlq", "right lower quadrant"),
        ("llq", "left lower quadrant"), ("ruq", "right upper quadrant"), ("luq", "left upper quadrant"),
        ("broken", "fracture"), ("break", "fracture"), ("fx", "fracture"),
        // Mental and behavioural
        ("mdd", "major depressive disorder"), ("depression", "depression"), ("gad", "generalized anxiety disorder"),
        ("anxiety", "anxiety"), ("panic attack", "panic disorder"), ("ptsd", "post traumatic stress disorder"),
        ("adhd", "attention deficit hyperactivity disorder"), ("ocd", "obsessive compulsive disorder"), ("bipolar", "bipolar disorder"), ("aud", "alcohol use"),
        ("etoh", "alcohol"), ("tobacco use", "tobacco use"), ("oud", "opioid dependence"),
        // Neurological
        ("migraine headache", "migraine"), ("seizure disorder", "epilepsy"),
        ("parkinson", "parkinson disease"), ("alzheimer", "alzheimer disease"),
        ("neuropathy", "neuropathy"), ("rls", "restless legs syndrome"), ("bell palsy", "bell palsy"),
        ("dizziness", "dizziness giddiness"), ("dizzy", "dizziness giddiness"), ("vertigo", "vertigo"),
        // Eyes and ears
        ("pink eye", "conjunctivitis"), ("ear infection", "otitis media"), ("aom", "acute otitis media"),
        ("ome", "otitis media serous"), ("ear wax", "impacted cerumen"),
        ("earwax", "impacted cerumen"), ("cerumen impaction", "impacted cerumen"),
        // Skin
        ("eczema", "dermatitis"), ("atopic dermatitis", "atopic dermatitis"), ("hives", "urticaria"),
        ("shingles", "zoster"), ("cold sore", "herpesviral vesicular dermatitis"), ("athlete foot", "tinea pedis"),
        ("ringworm", "tinea corporis"), ("ingrown toenail", "ingrowing nail"), ("ingrown nail", "ingrowing nail"),
        ("wart", "viral wart"), ("abscess", "abscess"), ("boil", "furuncle"),
        // The metal a contact dermatitis is named after (`nickel allergy from the belt buckle`).
        ("nickel", "metals"),
        // General
        ("fatigue", "other fatigue"), ("tired", "other fatigue"), ("fever", "fever"), ("chest pain", "chest pain"),
        ("anemia", "anemia"), ("low iron", "iron deficiency"), ("fhx", "family history"),
    ]

    /// Lay words too loose for reading notes (`sugar` in `sugar-tong splint`): the search uses them, the
    /// coder does not.
    static let searchOnly: Set<String> = ["sugar", "high sugar"]

    /// Said phrase (as `SearchTerms.words` gives it) → replacement words.
    static let table: [String: [String]] = {
        var table: [String: [String]] = [:]
        for (said, written) in pairs {
            let key = SearchTerms.words(said).joined(separator: " ")
            guard !key.isEmpty, table[key] == nil else { continue }
            table[key] = SearchTerms.words(written)
        }
        return table
    }()

    /// First word → the phrase lengths that start with it, longest first.
    static let lengthsByFirstWord: [String: [Int]] = {
        var lengths: [String: Set<Int>] = [:]
        for key in table.keys {
            let words = key.split(separator: " ")
            if let first = words.first { lengths[String(first), default: []].insert(words.count) }
        }
        return lengths.mapValues { $0.sorted(by: >) }
    }()
}
