/// Word lists for entity extraction, written for this project from general clinical knowledge (common
/// symptoms, conditions and generic drug names; no licensed vocabulary).
package enum ClinicalLexicon {
    /// Problems: `canonical|synonym|synonym`. Plurals of the last word are matched too.
    static let problems: [String] = [
        "abdominal pain|stomach pain|belly pain|tummy ache|stomachache|stomach ache|abdominal discomfort",
        "acid reflux|reflux|gerd|heartburn|gastroesophageal reflux disease|gastroesophageal reflux",
        "acne", "acute kidney injury|aki", "addiction",
        "adhd|attention deficit hyperactivity disorder|attention deficit disorder",
        "alcohol use disorder|alcoholism|alcohol abuse", "allergic rhinitis|hay fever|seasonal allergies",
        "alzheimer's disease|alzheimer disease|alzheimer's", "anemia|anaemia", "aneurysm", "angina",
        "ankle pain", "ankle sprain|sprained ankle", "anorexia",
        "anxiety|anxious|panic attacks|panic attack|panic disorder",
        "aortic stenosis", "arrhythmia|irregular heartbeat", "arthritis|osteoarthritis|degenerative joint disease|djd",
        "asthma", "atrial fibrillation|afib|a-fib|a fib", "back pain|low back pain|lower back pain|lumbago",
        "bipolar disorder|bipolar", "bleeding", "blood clot|deep vein thrombosis|dvt", "blurred vision|blurry vision",
        "bloating", "bradycardia", "bronchitis", "bruising", "burning with urination|dysuria|painful urination",
        "bursitis", "cancer|malignancy|tumor|tumour", "breast cancer", "lung cancer", "prostate cancer", "colon cancer",
        "carpal tunnel syndrome|carpal tunnel", "cataract", "cellulitis", "chest pain|chest pressure|chest tightness",
        "chills", "cholecystitis|gallbladder inflammation", "gallstones|cholelithiasis", "chronic kidney disease|ckd",
        "chronic obstructive pulmonary disease|copd|emphysema", "cirrhosis", "concussion", "confusion",
        "congestion|nasal congestion|stuffy nose|runny nose|rhinorrhea", "congestive heart failure|heart failure|chf",
        "conjunctivitis|pink eye", "constipation", "coronary artery disease|cad", "cough|coughing",
        "pertussis|whooping cough", "covid-19|covid",
        "cramping|cramps", "crohn's disease|crohn disease", "dehydration", "dementia",
        "dental pain|toothache|tooth pain",
        "depression|depressed|major depressive disorder|low mood", "dermatitis|eczema",
        "diabetes|diabetes mellitus|diabetic",
        "type 1 diabetes|type one diabetes", "type 2 diabetes|type two diabetes", "diarrhea|diarrhoea|loose stools",
        "dizziness|dizzy|lightheadedness|lightheaded|light-headed|vertigo", "double vision|diplopia",
        "dry mouth", "dyslipidemia|hyperlipidemia|high cholesterol|elevated cholesterol", "ear pain|earache|otalgia",
        "ear infection|otitis media|otitis", "swelling|edema|swollen", "erectile dysfunction",
        "fainting|syncope|passed out",
        "fatigue|tired|tiredness|exhaustion|exhausted|lack of energy", "fever|fevers|febrile|low-grade fever",
        "fibromyalgia", "flu|influenza", "fracture|broken bone", "gout", "hair loss",
        "headache|headaches|migraine|migraines",
        "hearing loss", "herniated disc|disc herniation|herniated disk|disk herniation|bulging disc|slipped disc",
        "heart attack|myocardial infarction", "heart murmur|murmur", "hematuria|blood in the urine|blood in urine",
        "hemorrhoids", "hepatitis", "hernia", "hip pain", "hives|urticaria",
        "hypertension|high blood pressure|elevated blood pressure",
        "hyperthyroidism|overactive thyroid", "hypoglycemia|low blood sugar", "hypotension|low blood pressure",
        "hypothyroidism|underactive thyroid", "incontinence", "indigestion|dyspepsia", "infection",
        "insomnia|trouble sleeping|difficulty sleeping|can't sleep", "irritable bowel syndrome|ibs",
        "itching|itchy|pruritus",
        "joint pain|arthralgia", "kidney stone|kidney stones|nephrolithiasis", "knee pain", "leg pain", "lesion",
        "loss of appetite|decreased appetite|poor appetite", "lump|mass", "lupus", "memory loss|forgetfulness",
        "meniscus tear|meniscal tear|torn meniscus", "muscle pain|myalgia|body aches", "nausea|nauseous|nauseated",
        "neck pain", "neuropathy|peripheral neuropathy", "night sweats", "nosebleed|nosebleeds|epistaxis",
        "numbness|numb", "obesity|overweight", "osteoporosis", "palpitations", "pancreatitis",
        "parkinson's disease|parkinson disease",
        "pneumonia", "polyuria|frequent urination|urinary frequency", "post-traumatic stress disorder|ptsd",
        "prediabetes|pre-diabetes", "pulmonary embolism", "rash", "rectal bleeding|blood in the stool|blood in stool",
        "renal failure|kidney failure", "rheumatoid arthritis", "rotator cuff tear", "schizophrenia", "sciatica",
        "seizure|seizures|epilepsy",
        "shortness of breath|short of breath|dyspnea|trouble breathing|difficulty breathing|sob",
        "shoulder pain", "sinusitis|sinus infection", "sleep apnea|obstructive sleep apnea",
        "sore throat|pharyngitis|strep throat",
        "sprain", "strain", "stroke|cerebrovascular accident|cva",
        "suicidal ideation|suicidal thoughts|thoughts of suicide|thoughts of hurting myself|thoughts of self-harm|self-harm",
        "homicidal ideation", "sweating|diaphoresis", "tachycardia|racing heart|rapid heartbeat",
        "tendinitis|tendonitis",
        "tingling|pins and needles|paresthesia", "transient ischemic attack|tia", "tremor|tremors|shaking",
        "ulcer|ulcers", "upper respiratory infection|uri|common cold|head cold",
        "urinary tract infection|uti|bladder infection",
        "vomiting|throwing up|threw up|emesis", "weakness|weak", "weight gain", "weight loss|losing weight|lost weight",
        "wheezing|wheeze", "wound", "sensitivity to cold|cold sensitivity", "caries|cavity|cavities|tooth decay",
        "gingivitis|gum disease|periodontitis", "abscess", "lethargy|lethargic", "limping|limp",
    ]

    /// Generic (and a few brand) drug names.
    static let medications: [String] = [
        "acetaminophen", "tylenol", "ibuprofen", "advil", "motrin", "naproxen", "aleve", "aspirin", "celecoxib",
        "meloxicam",
        "diclofenac", "ketorolac", "tramadol", "oxycodone", "hydrocodone", "morphine", "codeine", "gabapentin",
        "pregabalin",
        "lisinopril", "enalapril", "ramipril", "losartan", "valsartan", "irbesartan", "olmesartan", "amlodipine",
        "nifedipine",
        "diltiazem", "verapamil", "metoprolol", "atenolol", "carvedilol", "propranolol", "bisoprolol", "labetalol",
        "hydrochlorothiazide", "chlorthalidone", "furosemide", "lasix", "bumetanide", "torsemide", "spironolactone",
        "clonidine", "hydralazine", "isosorbide", "nitroglycerin", "digoxin", "amiodarone", "warfarin", "coumadin",
        "apixaban", "eliquis", "rivaroxaban", "xarelto", "dabigatran", "clopidogrel", "plavix", "heparin", "enoxaparin",
        "atorvastatin", "lipitor", "simvastatin", "rosuvastatin", "crestor", "pravastatin", "ezetimibe", "fenofibrate",
        "metformin", "glipizide", "glyburide", "glimepiride", "pioglitazone", "sitagliptin", "januvia", "empagliflozin",
        "jardiance", "dapagliflozin", "farxiga", "semaglutide", "ozempic", "liraglutide", "dulaglutide", "trulicity",
        "insulin", "lantus", "glargine", "humalog", "novolog", "levothyroxine", "synthroid", "methimazole",
        "prednisone", "prednisolone", "methylprednisolone", "medrol", "dexamethasone", "hydrocortisone",
        "albuterol", "ventolin", "proair", "fluticasone", "flonase", "budesonide", "symbicort", "advair", "montelukast",
        "singulair", "tiotropium", "spiriva", "benzonatate", "guaifenesin", "dextromethorphan", "cetirizine", "zyrtec",
        "loratadine", "claritin", "fexofenadine", "diphenhydramine", "benadryl", "hydroxyzine", "pseudoephedrine",
        "amoxicillin", "augmentin", "penicillin", "azithromycin", "zithromax", "doxycycline", "cephalexin", "keflex",
        "ciprofloxacin", "levofloxacin", "clindamycin", "metronidazole", "nitrofurantoin", "macrobid",
        "sulfamethoxazole", "bactrim", "trimethoprim", "vancomycin", "ceftriaxone", "cefdinir", "fluconazole",
        "acyclovir", "valacyclovir", "oseltamivir", "tamiflu", "omeprazole", "prilosec", "pantoprazole", "protonix",
        "esomeprazole", "nexium", "lansoprazole", "famotidine", "pepcid", "ranitidine", "ondansetron", "zofran",
        "metoclopramide", "docusate", "senna", "polyethylene glycol", "miralax", "loperamide", "sucralfate",
        "sertraline", "zoloft", "fluoxetine", "prozac", "escitalopram", "lexapro", "citalopram", "paroxetine",
        "venlafaxine", "effexor", "duloxetine", "cymbalta", "bupropion", "wellbutrin", "mirtazapine", "trazodone",
        "amitriptyline", "nortriptyline", "buspirone", "lorazepam", "ativan", "alprazolam", "xanax", "clonazepam",
        "klonopin", "diazepam", "valium", "zolpidem", "ambien", "melatonin", "quetiapine", "seroquel", "aripiprazole",
        "abilify", "risperidone", "olanzapine", "lithium", "lamotrigine", "lamictal", "valproate", "divalproex",
        "levetiracetam", "keppra", "carbamazepine", "topiramate", "phenytoin", "methylphenidate", "ritalin",
        "adderall", "amphetamine", "atomoxetine", "donepezil", "memantine", "sumatriptan", "imitrex",
        "cyclobenzaprine", "flexeril", "methocarbamol", "tizanidine", "baclofen", "allopurinol", "colchicine",
        "alendronate", "calcium", "vitamin d", "vitamin b12", "iron", "ferrous sulfate", "folic acid", "potassium",
        "magnesium", "tamsulosin", "flomax", "finasteride", "oxybutynin", "sildenafil", "tadalafil", "estradiol",
        "progesterone", "medroxyprogesterone", "testosterone", "hydroxychloroquine", "methotrexate", "adalimumab",
        "humira", "lidocaine", "mupirocin", "triamcinolone", "ketoconazole", "clotrimazole", "terbinafine",
        "epinephrine", "epipen", "naloxone", "narcan", "buprenorphine", "suboxone", "nicotine patch", "varenicline",
        "chantix", "maropitant", "cerenia", "carprofen", "rimadyl", "apoquel", "chlorhexidine", "fentanyl", "ketamine",
        "midazolam", "versed",
        "amoxicillin clavulanate", "cefazolin",
    ]

    /// Food and other allergens that are not drugs.
    static let allergens: [String] = [
        "peanuts", "peanut", "tree nuts", "shellfish", "eggs", "milk", "latex", "bees", "bee stings", "pollen",
        "dust", "cats", "dogs", "sulfa drugs", "sulfa", "iodine", "contrast", "adhesive tape", "nickel", "strawberries",
    ]

    /// Body sites that take a side.
    static let bodySites: [String] = [
        "knee", "ankle", "hip", "shoulder", "elbow", "wrist", "hand", "foot", "leg", "arm", "eye", "ear", "side",
        "lung", "breast", "kidney", "flank", "thigh", "calf", "shin", "heel", "toe", "finger", "thumb", "forearm",
        "lower extremity", "upper extremity", "chest", "temple", "jaw", "cheek", "groin", "buttock", "hamstring",
        "quadriceps", "quad", "acl", "mcl", "meniscus", "rotator cuff", "clavicle", "rib", "ribs", "tonsil", "ovary",
        "testicle", "great toe", "big toe", "biceps", "triceps", "achilles", "lower quadrant", "upper quadrant",
        "neck", "back", "face", "nostril", "maxillary", "mandibular", "molar", "premolar",
    ]

    /// Drugs, tests and readings that belong to one chronic problem, by the problem's name in `problems`: a plan
    /// item that names one (`increase the metformin`, `repeat the a1c`) goes under that problem when the visit
    /// names it.
    /// Vaccines by their abbreviations and brands: a disease listed with one (`the dtap, which is diphtheria,
    /// tetanus and whooping cough`) names what it prevents.
    package static let vaccineNames: Set<String> = [
        "dtap", "tdap", "mmr", "mmrv", "ipv", "hib", "pcv", "pcv13", "pcv15", "pcv20", "ppsv23", "prevnar",
        "pneumovax", "shingrix", "gardasil", "flumist", "varivax",
    ]

    /// Who may come with the patient (`here today with her mom for ...`): a companion, not the reason for the visit.
    package static let companions: Set<String> = [
        "mom", "mother", "dad", "father", "parents", "parent", "wife", "husband", "daughter", "son", "grandmother",
        "grandfather", "grandma", "grandpa", "caregiver", "guardian", "family", "friend", "sister", "brother", "aunt",
        "uncle", "partner", "girlfriend", "boyfriend",
    ]

    package static let problemIndicators: [String: [String]] = [
        "diabetes": [
            "metformin", "glucophage", "insulin", "lantus", "humalog", "novolog", "glipizide", "glyburide",
            "glimepiride",
            "januvia", "sitagliptin", "jardiance", "empagliflozin", "farxiga", "dapagliflozin", "ozempic",
            "semaglutide",
            "trulicity", "dulaglutide", "victoza", "liraglutide", "mounjaro", "tirzepatide", "a1c", "glucose", "sugars",
        ],
        "hypertension": [
            "lisinopril", "losartan", "valsartan", "olmesartan", "amlodipine", "norvasc", "hydrochlorothiazide", "hctz",
            "chlorthalidone", "benazepril", "enalapril", "ramipril", "nifedipine", "hydralazine", "clonidine",
        ],
        "dyslipidemia": [
            "atorvastatin", "lipitor", "simvastatin", "zocor", "rosuvastatin", "crestor", "pravastatin", "statin",
            "lipid", "lipids", "cholesterol", "ezetimibe", "zetia",
        ],
        "hypothyroidism": ["levothyroxine", "synthroid", "tsh"],
        "asthma": ["albuterol", "advair", "symbicort", "flovent", "singulair", "montelukast", "nebulizer"],
        "chronic obstructive pulmonary disease": ["spiriva", "tiotropium", "trelegy", "breo", "anoro"],
        "depression": [
            "sertraline", "zoloft", "fluoxetine", "prozac", "escitalopram", "lexapro", "citalopram", "celexa",
            "bupropion", "wellbutrin", "paroxetine", "paxil", "venlafaxine", "effexor", "duloxetine", "cymbalta",
        ],
        "acid reflux": [
            "omeprazole", "prilosec", "pantoprazole", "protonix", "esomeprazole", "nexium", "famotidine", "pepcid",
        ],
        "congestive heart failure": ["lasix", "furosemide", "torsemide", "bumetanide", "entresto", "spironolactone"],
        "atrial fibrillation": ["eliquis", "apixaban", "xarelto", "rivaroxaban", "warfarin", "coumadin", "digoxin"],
        "gout": ["allopurinol", "colchicine", "febuxostat", "uric"],
        "osteoporosis": ["alendronate", "fosamax", "dexa"],
        "benign prostatic hyperplasia": [
            "tamsulosin", "flomax", "finasteride", "proscar", "dutasteride", "avodart", "alfuzosin", "silodosin",
        ],
    ]
}
