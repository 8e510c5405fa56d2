/// The maintained concept table: how clinicians name common conditions, the ICD-10-CM code (or the category
/// to choose within) each names, and the facts about each condition that coding and the visit level use.
/// Written for this project from the ICD-10-CM index conventions; every code is checked against the code set
/// by the tests.
public enum Concepts {
    /// What kind of problem a condition is, for medical decision making.
    public struct Traits: Hashable, Sendable, OptionSet {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A chronic illness (expected to last a year or more).
        public static let chronic = Traits(rawValue: 1)
        /// Self-limited or minor: runs a short course, little risk.
        public static let minor = Traits(rawValue: 2)
        /// An acute illness that usually comes with systemic symptoms.
        public static let systemic = Traits(rawValue: 4)
        /// May threaten life or bodily function.
        public static let threat = Traits(rawValue: 8)
        /// A sign or symptom (chapter 18), not a diagnosis.
        public static let symptom = Traits(rawValue: 16)
        /// An injury.
        public static let injury = Traits(rawValue: 32)
        /// An encounter reason or status (chapter 21), not a disease.
        public static let status = Traits(rawValue: 64)
    }

    /// A concept: its code, traits and the phrases that name it.
    public struct Concept: Sendable {
        public var code: String
        public var traits: Traits
        public var phrases: [String]
    }

    /// `CODE|traits|phrase;phrase`: traits c chronic, m minor, s systemic, t threat, y a symptom outside
    /// chapter 18 (coded only when no diagnosis explains it).
    static let lines: [String] = [
        // Cardiovascular
        "I10|c|hypertension;essential hypertension;htn;high blood pressure;benign hypertension;elevated blood pressure hypertension",
        "I11|c|hypertensive heart disease",
        "I12|c|hypertensive kidney disease;hypertensive chronic kidney disease;hypertensive nephropathy",
        "I50|c|heart failure;chf;congestive heart failure;cardiac failure",
        "I50.2|c|systolic heart failure;hfref;heart failure with reduced ejection fraction;systolic chf",
        "I50.3|c|diastolic heart failure;hfpef;heart failure with preserved ejection fraction;diastolic chf",
        "I25.1|c|coronary artery disease;cad;atherosclerotic heart disease;ischemic heart disease;coronary disease;coronary atherosclerosis",
        "I25.119|c|coronary artery disease with angina;cad with angina",
        "I25.118|c|coronary artery disease with stable angina;cad with stable angina",
        "I25.110|c|coronary artery disease with unstable angina;cad with unstable angina",
        "I20.9|c|angina;angina pectoris",
        "I20.89|c|stable angina;chronic stable angina",
        "I20.0|t|unstable angina",
        "I35.0|c|aortic stenosis;aortic valve stenosis",
        "I34.1|c|mitral valve prolapse;mvp",
        "I34.0|c|mitral regurgitation;mitral insufficiency",
        "I71.40|c|aaa;abdominal aortic aneurysm",
        "I65.2|c|carotid stenosis;carotid artery stenosis;carotid artery disease",
        "I47.10|c|svt;supraventricular tachycardia",
        "I44.7|c|left bundle branch block;lbbb",
        "I45.10|c|right bundle branch block;rbbb",
        "I42.9|c|cardiomyopathy",
        "I42.1|c|hypertrophic obstructive cardiomyopathy;hocm;obstructive hypertrophic cardiomyopathy",
        "I42.2|c|hypertrophic cardiomyopathy;hcm",
        "I47.19|c|avnrt;av nodal reentrant tachycardia;atrioventricular nodal reentrant tachycardia;avrt",
        "Z95.5|c|coronary stent;cardiac stent;pci;percutaneous coronary intervention;stents;stent",
        "I27.20|c|pulmonary hypertension",
        "I48.91|c|atrial fibrillation;afib;a fib;af",
        "I48.0|c|paroxysmal atrial fibrillation;paroxysmal afib",
        "I48.19|c|persistent atrial fibrillation;persistent afib;persistent af",
        "I48.20|c|chronic atrial fibrillation;chronic afib",
        "I48.21|c|permanent atrial fibrillation;permanent afib",
        "I48.92|c|atrial flutter",
        "I73.9|c|peripheral vascular disease;pvd;pad;peripheral arterial disease;peripheral artery disease;claudication",
        "I49.3|c|pvc;pvcs;premature ventricular contractions;premature ventricular contraction",
        "I21.9|t|myocardial infarction;heart attack;mi;acute myocardial infarction;ami",
        "I25.2|c|old myocardial infarction;old mi;remote mi;prior mi;history of mi;status post mi;healed myocardial infarction",
        "I63.9|t|stroke;cva;cerebral infarction;cerebrovascular accident",
        "G45.9|t|tia;transient ischemic attack;mini stroke",
        "I82.40|t|dvt;deep vein thrombosis;deep venous thrombosis;blood clot in the leg",
        "I26.99|t|pulmonary embolism;pulmonary embolus",
        "I83.9|c|varicose veins;varicose vein",
        "I95.9|m|hypotension;low blood pressure",
        "R03.0|m|elevated blood pressure;elevated blood pressure reading;elevated bp",
        "R00.2|m|palpitations;palpitation;heart racing",
        "R00.0|m|tachycardia",
        "R00.1|m|bradycardia",
        // Endocrine and metabolic
        "E11|c|type 2 diabetes;type 2 diabetes mellitus;t2dm;dm2;dm 2;dm ii;type ii diabetes;niddm;diabetes;diabetes mellitus;dm;sugar diabetes;adult onset diabetes;diabetes type 2",
        "E11.65|c|uncontrolled type 2 diabetes;poorly controlled type 2 diabetes;uncontrolled diabetes;poorly controlled diabetes;type 2 diabetes with hyperglycemia",
        "E10|c|type 1 diabetes;type 1 diabetes mellitus;t1dm;dm1;type i diabetes;iddm;juvenile diabetes;diabetes type 1",
        "R73.03|m|prediabetes;pre diabetes;borderline diabetes",
        "R73.9|m|hyperglycemia;high blood sugar",
        "E16.2|m|hypoglycemia;low blood sugar",
        "E78.5|c|hyperlipidemia;hld;dyslipidemia;lipid disorder",
        "E78.00|c|hypercholesterolemia;pure hypercholesterolemia",
        "E78.1|c|hypertriglyceridemia;high triglycerides;elevated triglycerides",
        "E78.2|c|mixed hyperlipidemia;combined hyperlipidemia",
        "E03.9|c|hypothyroidism;underactive thyroid;low thyroid",
        "E05.90|c|hyperthyroidism;overactive thyroid;thyrotoxicosis",
        "E05.00|c|graves disease;graves' disease",
        "E06.3|c|autoimmune hypothyroidism;hashimoto thyroiditis;hashimoto's thyroiditis;hashimotos;autoimmune thyroiditis",
        "E04.1|c|thyroid nodule;solitary thyroid nodule",
        "E66|c|obesity",
        "E66.01|c|morbid obesity;severe obesity",
        "E66.3|c|overweight",
        "E55.9|c|vitamin d deficiency;low vitamin d;vit d deficiency;vitamin d insufficiency",
        "E53.8|c|b12 deficiency;vitamin b12 deficiency",
        "D51.9|c|b12 deficiency anemia;vitamin b12 deficiency anemia",
        "D51.0|c|pernicious anemia",
        "E87.1|m|hyponatremia;low sodium",
        "E87.6|m|hypokalemia;low potassium",
        "E86.0|s|dehydration",
        "E79.0|c|hyperuricemia",
        // Respiratory
        "J44.9|c|copd;chronic obstructive pulmonary disease;chronic obstructive lung disease",
        "J44.1|c|copd exacerbation;copd with exacerbation;acute exacerbation of copd;copd with acute exacerbation;aecopd",
        "J45.909|c|asthma;bronchial asthma;reactive airway disease",
        "J45.901|c|asthma exacerbation;asthma with exacerbation;acute asthma exacerbation;asthma with acute exacerbation",
        "J06.9|m|uri;upper respiratory infection;upper respiratory tract infection;urti;viral uri;viral upper respiratory infection",
        "J00|m|common cold;head cold;acute nasopharyngitis;viral rhinitis",
        "J02.9|m|pharyngitis;sore throat;acute pharyngitis;viral pharyngitis",
        "J02.0|m|strep throat;strep pharyngitis;streptococcal pharyngitis",
        "J03.90|m|tonsillitis;acute tonsillitis",
        "J01.90|m|acute sinusitis;sinus infection;acute rhinosinusitis;sinusitis",
        "J32.9|c|chronic sinusitis;chronic rhinosinusitis",
        "J20.9|m|acute bronchitis;bronchitis;chest cold",
        "J18.9|s|pneumonia;community acquired pneumonia",
        "J11.1|s|influenza;flu;influenza like illness",
        "J10.1|s|influenza a;influenza b;flu a;flu b;influenza a confirmed;confirmed influenza",
        "U07.1|s|covid;covid 19;covid19;coronavirus disease;sars cov 2 infection",
        "J30.9|c|allergic rhinitis;seasonal allergies;environmental allergies",
        "J30.2|c|seasonal allergic rhinitis",
        // The index: fever, hay J30.1; allergy, pollen J30.1; pollinosis J30.1.
        "J30.1|c|hay fever;pollen allergy;pollen allergies;allergy to pollen;allergies to pollen;pollinosis",
        "G47.33|c|obstructive sleep apnea;osa;sleep apnea",
        "J21|s|bronchiolitis;acute bronchiolitis",
        "J05.0|s|croup",
        "R05.9|m|cough",
        "R05.1|m|acute cough",
        "R05.3|m|chronic cough;persistent cough",
        "R06.02|m|shortness of breath;sob",
        "R06.00|m|dyspnea",
        "R06.2|m|wheezing",
        "R09.81|m|nasal congestion;stuffy nose",
        // Digestive
        "K21.9|c|gerd;gastroesophageal reflux disease;gastroesophageal reflux;acid reflux;reflux;gastro esophageal reflux disease",
        "K21.00|c|gerd with esophagitis;reflux esophagitis",
        "R12|m|heartburn",
        "K29.70|m|gastritis",
        "K30|m|dyspepsia;indigestion",
        "K58.9|c|ibs;irritable bowel syndrome",
        "K59.00|m|constipation",
        "K52.9|m|gastroenteritis;noninfective gastroenteritis",
        "A08.4|m|viral gastroenteritis;stomach flu;stomach bug",
        // ICD-10-CM index: Infection, Helicobacter pylori: A04.8 (B96.81 only as the cause of another disease).
        "A04.8|m|h pylori infection;helicobacter pylori infection;infection with h pylori;infection with helicobacter pylori",
        "K64.9|m|hemorrhoids;hemorrhoid;piles",
        "K76.0|c|fatty liver;nafld;nonalcoholic fatty liver disease;hepatic steatosis",
        "K57.30|c|diverticulosis",
        "K57.32|s|diverticulitis",
        "K80.20|c|gallstones;cholelithiasis",
        "K35.80|t|appendicitis;acute appendicitis",
        "K40.90|c|inguinal hernia",
        "R10|m|abdominal pain;stomach pain;belly pain;stomach ache;abdominal cramping",
        "R10.13|m|epigastric pain",
        "R11.0|m|nausea",
        "R11.10|m|vomiting",
        "R11.2|m|nausea and vomiting;nausea with vomiting",
        "R19.7|m|diarrhea",
        "K92.1|t|melena",
        // Genitourinary
        "N39.0|m|uti;urinary tract infection",
        "N30.00|m|acute cystitis;bladder infection",
        "N30.90|m|cystitis",
        "N10|s|pyelonephritis;kidney infection;acute pyelonephritis",
        "N18|c|ckd;chronic kidney disease;chronic renal insufficiency;chronic renal disease",
        "N18.30|c|ckd stage 3;chronic kidney disease stage 3;ckd 3;ckd iii;stage 3 ckd;stage 3 chronic kidney disease",
        "N18.31|c|ckd stage 3a;chronic kidney disease stage 3a;ckd 3a;stage 3a ckd",
        "N18.32|c|ckd stage 3b;chronic kidney disease stage 3b;ckd 3b;stage 3b ckd",
        "N18.1|c|ckd stage 1;chronic kidney disease stage 1;stage 1 ckd",
        "N18.2|c|ckd stage 2;chronic kidney disease stage 2;stage 2 ckd",
        "N18.4|c|ckd stage 4;chronic kidney disease stage 4;stage 4 ckd",
        "N18.5|c|ckd stage 5;chronic kidney disease stage 5;stage 5 ckd",
        "N18.6|c|esrd;end stage renal disease;end stage kidney disease",
        "N17.9|t|aki;acute kidney injury;acute renal failure",
        "N20.0|m|kidney stone;kidney stones;nephrolithiasis;renal calculus",
        "N40.0|c|bph;benign prostatic hyperplasia;enlarged prostate;benign prostatic hypertrophy",
        "N40.1|c|bph with luts;bph with lower urinary tract symptoms",
        "N52.9|c|erectile dysfunction",
        "N39.3|c|stress incontinence;stress urinary incontinence",
        "R32|c|urinary incontinence;incontinence",
        "N32.81|c|overactive bladder",
        "B37.3|m|yeast infection;vaginal yeast infection;vaginal candidiasis;vulvovaginal candidiasis;candidal vulvovaginitis;yeast vaginitis",
        "N76.0|m|vaginitis;acute vaginitis",
        "B96.89|m|bacterial vaginosis;bv",
        "E28.2|c|pcos;polycystic ovary syndrome;polycystic ovarian syndrome",
        "N95.1|c|menopause;perimenopause",
        "N92.0|m|menorrhagia;heavy menstrual bleeding",
        "R97.20|m|elevated psa;rising psa;psa elevation;abnormal psa;increased psa;high psa;elevated prostate specific antigen",
        "R31.9|m|hematuria",
        "R31.0|m|gross hematuria;visible hematuria",
        "R31.21|m|asymptomatic microscopic hematuria",
        "R31.29|m|microscopic hematuria;symptomatic microscopic hematuria",
        "R35.0|m|urinary frequency;frequent urination",
        "R30.0|m|dysuria;painful urination",
        // Musculoskeletal
        "M19.90|c|osteoarthritis;oa;djd;degenerative joint disease;degenerative arthritis;arthritis",
        "M17|c|osteoarthritis of knee;knee osteoarthritis;knee oa;oa of knee;djd of knee;degenerative joint disease of knee;knee arthritis;arthritis of knee",
        "M16|c|osteoarthritis of hip;hip osteoarthritis;hip oa;oa of hip;djd of hip;hip arthritis;arthritis of hip",
        "M06.9|c|rheumatoid arthritis",
        "M32.9|c|sle;lupus;systemic lupus erythematosus",
        "M18|c|osteoarthritis of first cmc joint;first cmc joint osteoarthritis;cmc arthritis;thumb arthritis;basal joint arthritis;oa of first cmc joint;cmc joint osteoarthritis",
        "M21.4|m|pes planus;flat feet;flatfoot;flat foot;acquired pes planus",
        "M81.0|c|osteoporosis;age related osteoporosis",
        "M85.80|c|osteopenia",
        "M10|c|gout;gout flare;gouty arthritis;acute gout",
        "M54.4|m|low back pain with sciatica;lumbago with sciatica;lbp with sciatica;back pain with sciatica",
        "M54.50|m|low back pain;lbp;lumbago;lower back pain;lumbar pain;back pain",
        "M54.2|m|neck pain;cervicalgia",
        "M54.3|m|sciatica",
        "M54.16|m|lumbar radiculopathy",
        "M54.12|m|cervical radiculopathy",
        "M79.7|c|fibromyalgia",
        "M25.50|my|joint pain;arthralgia",
        "M25.56|my|knee pain",
        "M25.51|my|shoulder pain",
        "M25.55|my|hip pain",
        "M25.57|my|ankle pain;foot pain",
        "M79.60|my|limb pain;extremity pain;leg pain;pain in leg;arm pain",
        "M79.66|my|calf pain;lower leg pain;shin pain;pain in lower leg",
        "M79.64|my|hand pain;finger pain",
        "R22|my|swelling;localized swelling;leg swelling;calf swelling;mass;lump",
        "M72.2|m|plantar fasciitis",
        "G56.0|c|carpal tunnel syndrome;carpal tunnel;cts",
        "M77.1|m|lateral epicondylitis;tennis elbow",
        "M77.0|m|medial epicondylitis;golfer's elbow;golfers elbow",
        "M75.0|c|adhesive capsulitis;frozen shoulder",
        "M75.8|m|rotator cuff tendinitis;rotator cuff tendinopathy;rotator cuff tendonitis",
        "M75.4|m|shoulder impingement;impingement syndrome of shoulder;impingement syndrome;shoulder impingement syndrome",
        "M65.3|m|trigger finger;trigger thumb",
        "M70.6|m|trochanteric bursitis;greater trochanteric bursitis",
        "M62.830|m|muscle spasm of back;back spasm",
        "M62.838|m|muscle spasm",
        "M54.6|m|thoracic back pain;mid back pain",
        "M48.061|c|lumbar spinal stenosis;lumbar stenosis",
        "M51.16|c|lumbar disc herniation with radiculopathy;herniated lumbar disc with radiculopathy",
        "M51.26|c|lumbar disc herniation;herniated lumbar disc;lumbar herniated disc",
        "M65.4|m|de quervain tenosynovitis;de quervain's tenosynovitis",
        "M76.6|m|achilles tendinitis;achilles tendonitis",
        "M79.1|my|myalgia;myalgias;muscle aches;muscle pain",
        // Injuries (7th character chosen by the coder)
        "S93.40|m|ankle sprain;sprained ankle;sprain of ankle",
        // The ankle's ligament named (the index: Sprain, ankle, talofibular / calcaneofibular / deltoid /
        // tibiofibular ligament).
        "S93.49|m|talofibular ligament sprain;sprain of talofibular ligament;anterior talofibular ligament sprain;sprain of anterior talofibular ligament;sprained anterior talofibular ligament;atfl sprain;sprain of atfl",
        "S93.41|m|calcaneofibular ligament sprain;sprain of calcaneofibular ligament",
        "S93.42|m|deltoid ligament sprain;sprain of deltoid ligament",
        "S93.43|m|tibiofibular ligament sprain;sprain of tibiofibular ligament;high ankle sprain;syndesmotic sprain;syndesmosis sprain",
        "S83.20|m|meniscal tear;meniscus tear;torn meniscus;tear of meniscus",
        "S83.51|m|acl sprain;acl tear;acl injury;anterior cruciate ligament tear;anterior cruciate ligament sprain;torn acl",
        "S52.50|m|distal radius fracture;fracture of distal radius;broken wrist distal radius",
        "S52.53|m|colles fracture;colles' fracture",
        "S62.10|m|wrist fracture;fracture of wrist;broken wrist",
        "S92.35|m|fifth metatarsal fracture;5th metatarsal fracture;fracture of fifth metatarsal",
        "S92.30|m|metatarsal fracture;fracture of metatarsal",
        "S42.00|m|clavicle fracture;fracture of clavicle;broken collarbone;collarbone fracture",
        "S22.3|m|rib fracture;fracture of rib;broken rib;one rib fracture",
        "S22.4|m|multiple rib fractures;multiple rib fracture",
        "S92.40|m|great toe fracture;fracture of great toe;broken big toe;big toe fracture",
        "S92.50|m|toe fracture;fracture of toe;broken toe;lesser toe fracture",
        "S61.41|m|hand laceration;laceration of hand",
        "S61.21|m|finger laceration;laceration of finger",
        "S01.01|m|scalp laceration;laceration of scalp",
        "S01.81|m|facial laceration;laceration of face",
        "S61.45|m|dog bite of hand;bite of hand;dog bite to hand;hand dog bite",
        "S70.0|m|hip contusion;contusion of hip;bruised hip",
        "S80.0|m|knee contusion;contusion of knee;bruised knee",
        "S05.0|m|corneal abrasion;scratched cornea",
        "S76.31|m|hamstring strain;pulled hamstring;strain of hamstring",
        "S46.01|m|rotator cuff strain;strain of rotator cuff",
        "M75.1|m|rotator cuff tear;nontraumatic rotator cuff tear;rotator cuff tear nontraumatic;rotator cuff syndrome;complete rotator cuff tear;partial rotator cuff tear;incomplete rotator cuff tear",
        "S82.84|m|bimalleolar fracture;bimalleolar ankle fracture",
        "S82.85|m|trimalleolar fracture;trimalleolar ankle fracture",
        "S61.21|m|laceration of index finger;laceration of middle finger;laceration of ring finger;laceration of little finger;index finger laceration;finger laceration;laceration of finger",
        "S61.01|m|laceration of thumb;thumb laceration",
        "M22.2X|m|patellofemoral pain syndrome;patellofemoral syndrome;pfps;patellofemoral pain",
        "M20.4|m|hammer toe;hammertoe;hammer toes",
        "M20.1|c|bunion;hallux valgus",
        "M71.2|m|baker's cyst;baker cyst;popliteal cyst",
        "M67.4|m|ganglion cyst;ganglion",
        "S83.9|m|knee sprain;sprained knee",
        "S63.50|m|wrist sprain;sprained wrist",
        "S16.1|m|neck strain;cervical strain;strain of neck",
        "S39.012|m|low back strain;lumbar strain;back strain;lumbosacral strain",
        // A strain by its site, as the index lists them (Strain, shoulder S46.91-; thigh S76.91-; back, upper or
        // thoracic S29.012; chest wall S29.011; abdominal wall S39.011; hip S76.01-; wrist S66.91-; forearm S56.91-;
        // lower leg S86.91-): the site a visit names, before the strain or after it (`strain of the right shoulder`).
        "S46.91|m|shoulder strain;upper arm strain",
        "S76.91|m|thigh strain",
        "S29.012|m|upper back strain;mid back strain;thoracic strain;thoracic back strain",
        "S29.011|m|chest wall strain",
        "S39.011|m|abdominal wall strain;abdominal muscle strain",
        "S76.01|m|hip strain",
        "S66.91|m|wrist strain;hand strain",
        "S56.91|m|forearm strain",
        "S86.91|m|lower leg strain",
        "S06.0X|s|concussion",
        "T78.40|m|allergic reaction",
        "T63.4|m|insect bite;bug bite;bee sting",
        "W57|m|insect bite",
        // Mental and behavioural
        "F32.A|c|depression;depressive disorder;depressed mood",
        "F32.9|c|major depressive disorder;mdd;major depression;major depressive disorder single episode",
        "F33.9|c|recurrent major depressive disorder;major depressive disorder recurrent;recurrent depression;mdd recurrent",
        "F41.1|c|generalized anxiety disorder;gad;generalized anxiety",
        "F41.9|c|anxiety;anxiety disorder",
        "F41.0|c|panic disorder;panic attacks;panic attack",
        "F43.1|c|ptsd;post traumatic stress disorder;posttraumatic stress disorder",
        "F90.9|c|adhd;attention deficit hyperactivity disorder;attention deficit disorder",
        "F31|c|bipolar disorder;bipolar;manic depression;bipolar i disorder;bipolar 1 disorder",
        "F31.81|c|bipolar ii disorder;bipolar 2 disorder;bipolar ii",
        "F20.9|c|schizophrenia",
        "F42.9|c|ocd;obsessive compulsive disorder",
        "F84.0|c|autism;autism spectrum disorder;asd",
        "F43.20|c|adjustment disorder",
        "F10.20|c|alcohol dependence;alcoholism;alcohol use disorder",
        "F10.10|c|alcohol abuse",
        "F17.210|c|tobacco use disorder;nicotine dependence;smoker;smoking;cigarette smoker;current smoker;tobacco dependence;smokes;smokes cigarettes;still smoking;still smokes;currently smoking;currently smokes",
        "Z72.0|c|tobacco use",
        "F11.20|c|opioid dependence;opioid use disorder;oud",
        "F12.90|c|cannabis use;marijuana use",
        "F12.10|c|cannabis abuse;cannabis use disorder;marijuana abuse",
        "G47.00|c|insomnia",
        "F51.01|c|primary insomnia",
        "F03.90|c|dementia",
        "G30.9|c|alzheimer disease;alzheimer's disease;alzheimer's;alzheimers",
        // Neurological
        "G43.909|c|migraine;migraines;migraine headache;migraine headaches",
        "G43.009|c|migraine without aura;common migraine",
        "G43.109|c|migraine with aura;classic migraine",
        "G44.209|m|tension headache;tension type headache",
        "R51.9|m|headache;headaches;cephalgia",
        "G40.909|c|epilepsy;seizure disorder",
        "R56.9|t|seizure;seizures;convulsion",
        "G20|c|parkinson disease;parkinson's disease;parkinsons;parkinsonism",
        "G35|c|multiple sclerosis",
        "G62.9|c|neuropathy;peripheral neuropathy;polyneuropathy",
        "G25.81|c|restless legs syndrome;restless leg syndrome;rls",
        "G51.0|m|bell's palsy;bell palsy",
        "R42|m|dizziness;lightheadedness;light headedness;dizzy",
        "R42|m|vertigo",
        "H81.1|m|bppv;benign paroxysmal positional vertigo;benign positional vertigo",
        "R55|t|syncope;fainting;passed out",
        "R20.2|m|paresthesia;numbness and tingling;tingling",
        "R25.1|m|tremor",
        // Eyes and ears
        "H10.9|m|conjunctivitis;pink eye",
        "H10.3|m|acute conjunctivitis",
        "B30.9|m|viral conjunctivitis",
        "H10.02|m|bacterial conjunctivitis;mucopurulent conjunctivitis",
        "H66.90|m|otitis media;ear infection;middle ear infection",
        "H66.9|m|acute otitis media;aom",
        "H65.9|m|serous otitis media;otitis media with effusion;ome",
        "H60.9|m|otitis externa;external otitis",
        "H60.33|m|swimmer's ear;swimmers ear;swimmer ear",
        "H61.2|m|cerumen impaction;impacted cerumen;ear wax impaction;earwax impaction;impacted ear wax;impacted wax;hard impacted wax;blocked with wax;blocked with hard wax;occluded by cerumen;occluded by hard impacted cerumen;occluded with cerumen",
        "H93.1|c|tinnitus",
        "H91.9|c|hearing loss",
        "H90|c|sensorineural hearing loss;snhl",
        "H40.9|c|glaucoma",
        "H26.9|c|cataract;cataracts",
        "H52.4|c|presbyopia",
        "H00.01|m|stye;hordeolum",
        // Skin
        "L30.9|m|dermatitis;eczema",
        "L20.9|c|atopic dermatitis",
        "L23.9|m|allergic contact dermatitis;contact dermatitis",
        "L23.7|m|poison ivy;poison ivy dermatitis;poison oak;poison ivy rash;poison oak dermatitis",
        "L40.9|c|psoriasis",
        "L70.0|c|acne;acne vulgaris",
        "L71.9|c|rosacea",
        "L50.9|m|urticaria;hives",
        "L03|s|cellulitis",
        "L02|m|abscess;skin abscess;cutaneous abscess",
        "B02.9|s|shingles;herpes zoster;zoster",
        "B00.1|m|cold sore;herpes labialis;fever blister",
        "B35.3|m|athlete's foot;tinea pedis;athletes foot",
        "B35.4|m|ringworm;tinea corporis",
        "B35.1|m|onychomycosis;toenail fungus;nail fungus",
        "B07.9|m|wart;warts;verruca;viral wart",
        "B07.8|m|common wart;common warts;verruca vulgaris;flat wart",
        "B07.0|m|plantar wart;plantar warts",
        "L60.0|m|ingrown toenail;ingrown nail;ingrowing nail",
        "L72.3|m|sebaceous cyst;epidermoid cyst;epidermal cyst",
        "L82.1|m|seborrheic keratosis",
        "L57.0|m|actinic keratosis",
        "L21.9|m|seborrheic dermatitis;dandruff",
        "R21|m|rash",
        "L29.9|m|pruritus;itching",
        "B86|m|scabies",
        "B85.0|m|head lice;lice",
        "L01.0|m|impetigo",
        "D22.9|m|mole;nevus",
        "L65.9|m|hair loss;alopecia",
        // Blood, infections and general
        "D64.9|c|anemia",
        "D50|c|iron deficiency anemia;ida",
        "E61.1|c|iron deficiency",
        "D69.6|c|thrombocytopenia",
        "R50.9|s|fever;febrile",
        "R53.83|m|fatigue;tiredness",
        "R53.1|m|weakness",
        "R63.4|m|weight loss;unintentional weight loss",
        "R63.5|m|weight gain",
        "R60.0|m|edema;peripheral edema;leg swelling",
        "R07.9|m|chest pain",
        "R07.89|m|atypical chest pain;chest wall pain",
        "R07.1|m|pleuritic chest pain",
        "R59.9|m|lymphadenopathy;swollen lymph nodes;swollen glands",
        "B27.90|s|mononucleosis;mono;infectious mononucleosis",
        "A69.20|s|lyme disease",
        "B34.9|m|viral infection;viral illness;viral syndrome",
        "A49.9|s|bacterial infection",
        "B20|c|hiv;hiv disease;aids",
        "Z21|c|hiv positive;asymptomatic hiv",
        "B18.2|c|hepatitis c;chronic hepatitis c;hep c",
        "B19.10|c|hepatitis b;hep b",
        "A41.9|t|sepsis",
        // Neoplasms
        "C50.919|c|breast cancer;cancer of the breast;breast carcinoma",
        "C61|c|prostate cancer;cancer of the prostate;prostate carcinoma",
        "C18.9|c|colon cancer;colorectal cancer;cancer of the colon",
        "C34.90|c|lung cancer;cancer of the lung",
        "C43.9|c|melanoma",
        "C44.91|c|basal cell carcinoma;bcc",
        "C44.92|c|squamous cell carcinoma of skin;squamous cell carcinoma",
        "C67.9|c|bladder cancer",
        "C73|c|thyroid cancer",
        "C56.9|c|ovarian cancer",
        "C64.9|c|kidney cancer;renal cell carcinoma",
        "C25.9|c|pancreatic cancer",
        "C85.90|c|lymphoma;non hodgkin lymphoma",
        "C95.90|c|leukemia",
        "C80.1|c|cancer;malignancy;carcinoma",
        // Encounters and status
        "Z00.00|s|annual physical;annual exam;annual physical exam;routine physical;wellness visit;well visit;general medical exam;routine health maintenance;annual wellness visit;normal physical;yearly physical;annual checkup;yearly checkup;routine checkup;routine check up;annual check up;yearly check up;regular check up;regular checkup;physical is normal;physical exam is normal;preventive visit;preventive exam;complete physical;annual examination;routine annual examination;routine examination;health maintenance examination;health maintenance exam;health maintenance visit;preventive care visit",
        "Z00.129|s|well child check;well child visit;well child exam;well baby check;well baby visit;year old checkup;year well visit;month well visit;year well check;month well check;well check;well child;year checkup;month checkup;year check up;month check up;year old check up;month old checkup;month old check up",
        "Z23|s|need for vaccination;need for immunization;flu shot given;vaccines given;immunizations given;vaccine given;due for his vaccines;due for her vaccines;due for his shots;due for her shots;due for his immunizations;due for her immunizations",
        "Z01.419|s|well woman exam;gynecological exam;annual gynecologic exam",
        "Z34|s|pregnancy;normal pregnancy;prenatal visit;supervision of normal pregnancy;routine prenatal care;intrauterine pregnancy",
        "O21.0|s|hyperemesis gravidarum;hyperemesis",
        "O14|t|preeclampsia;pre eclampsia;preeclampsia without severe features;mild preeclampsia",
        "O13|c|gestational hypertension;pregnancy induced hypertension",
        "N87.9|c|cervical dysplasia;cin;dysplasia of cervix",
        "R78.71|m|elevated blood lead level;elevated lead level;abnormal lead level;lead poisoning",
        "O24.41|c|gestational diabetes;gestational diabetes mellitus;gdm",
        "D25.9|c|uterine fibroids;uterine fibroid;fibroids;fibroid uterus;leiomyoma of uterus",
        "N95.1|c|vasomotor symptoms;menopausal vasomotor symptoms;hot flashes;menopausal hot flashes;hot flushes;menopausal symptoms",
        "N95.2|c|atrophic vaginitis;vaginal atrophy",
        "Z79.4|c|long term insulin use;insulin use",
        "Z79.01|c|long term anticoagulant use;long term use of anticoagulants;chronic anticoagulation;long term anticoagulation",
        "Z91.010|c|peanut allergy;allergy to peanuts;peanut allergic",
        "Z91.013|c|shellfish allergy;allergy to seafood",
        "Z91.018|c|food allergy;allergy to food",
        "Z91.040|c|latex allergy;allergy to latex",
        "Z88.2|c|sulfa allergy;allergy to sulfa;sulfonamide allergy",
        "Z77.22|c|secondhand smoke exposure;exposure to secondhand smoke;secondhand tobacco smoke;exposure to secondhand tobacco smoke;secondhand smoke",
        "Z96.41|c|insulin pump",
        "Z94.0|c|kidney transplant;renal transplant",
        "Z94.4|c|liver transplant",
        "Z94.1|c|heart transplant",
        "Z30.431|s|iud check;routine iud check;iud in place;iud surveillance",
        "Z30|s|contraception;contraceptive management;birth control;contraceptive counseling",
        "R87.810|m|high risk hpv positive;hpv positive;positive hpv;high risk hpv",
        "T23|m|burn of hand;burn of palm;hand burn;palm burn;burn of finger;finger burn",
        "T22|m|burn of arm;burn of forearm;forearm burn;arm burn",
        "T25|m|burn of foot;foot burn",
        "T20|m|burn of face;facial burn",
        "T30.0|m|burn;burns",
        "Z88.0|c|penicillin allergy;allergy to penicillin",
        "Z95.0|c|pacemaker;pacemaker in place",
        "Z95.1|c|cabg;coronary artery bypass graft;bypass surgery;aortocoronary bypass",
        "Z90.49|c|cholecystectomy;appendectomy",
        "Z98.84|c|gastric bypass;bariatric surgery;gastric sleeve;sleeve gastrectomy",
        // Dependence on a machine or a supply (ICD-10-CM index: Dependence, on, oxygen / renal dialysis).
        "Z99.81|c|home oxygen;supplemental oxygen;continuous oxygen;oxygen dependent;dependent on oxygen;dependent on supplemental oxygen",
        "Z99.2|c|maintenance hemodialysis;in center hemodialysis;home hemodialysis;maintenance dialysis;peritoneal dialysis;dialysis dependent;hemodialysis dependent",
        "Z90.710|c|hysterectomy;total hysterectomy",
        "Z86.711|c|history of pe;h/o pe;hx of pe;history of pulmonary embolism",
        "Z91.81|c|history of falls;history of falling;frequent falls;recurrent falls;multiple falls",
        "K63.5|m|colon polyp;colon polyps;colonic polyp;polyp of colon",
        "D12.6|c|adenomatous colon polyp;adenomatous colon polyps;adenomatous polyp;tubular adenoma;colon adenoma",
        "A49.02|s|mrsa infection;mrsa",
        "B80|m|pinworms;pinworm;enterobiasis;pinworm infection",
        "Z96.64|c|hip arthroplasty;hip replacement;total hip arthroplasty;total hip replacement;tha",
        "Z96.65|c|knee arthroplasty;knee replacement;total knee arthroplasty;total knee replacement;tka",
        "Z87.891|c|former smoker;ex smoker;quit smoking;history of smoking;history of tobacco use;past smoker",
        // Screening (Z11-Z13): the encounter reason, not the disease screened for.
        "Z12.11|s|colon cancer screening;colorectal cancer screening;screening colonoscopy;colonoscopy for screening;screening for colon cancer;screening for colorectal cancer;colon screening",
        "Z12.31|s|breast cancer screening;screening mammogram;screening mammography;mammogram for screening;screening for breast cancer",
        "Z12.4|s|cervical cancer screening;screening pap;screening pap smear;screening for cervical cancer",
        "Z12.5|s|prostate cancer screening;psa screening;screening psa;screening for prostate cancer",
        "Z12.2|s|lung cancer screening;screening for lung cancer;low dose ct for lung cancer screening",
        "Z13.1|s|diabetes screening;screening for diabetes",
        "Z13.220|s|lipid screening;cholesterol screening;screening lipid panel;screening for hyperlipidemia;screening for high cholesterol",
        "Z13.31|s|depression screening;screening for depression",
        "Z13.820|s|osteoporosis screening;screening for osteoporosis;bone density screening",
        "Z13.6|s|aaa screening;screening for abdominal aortic aneurysm;abdominal aortic aneurysm screening",
        "Z11.3|s|sti screening;std screening;screening for sexually transmitted infections;screening for stis;screening for stds;screening for chlamydia;screen for chlamydia;screening for gonorrhea;screen for gonorrhea;chlamydia and gonorrhea screening;gonorrhea and chlamydia screening;tested for chlamydia;test for chlamydia;testing for chlamydia;swab for chlamydia;swabs for chlamydia;chlamydia and gonorrhea swab;chlamydia and gonorrhea test;chlamydia and gonorrhea testing",
        // An HPV test taken with the pap (co-testing) screens for the virus.
        "Z11.51|s|hpv co-testing;hpv cotesting;hpv co testing;co-testing;cotesting;hpv screening;screening for hpv;pap with hpv;pap and hpv;pap with the hpv;pap smear and an hpv test;pap and an hpv test;hpv test;hpv testing",
        "Z11.4|s|hiv screening;screening for hiv",
        "Z11.59|s|hepatitis c screening;hep c screening;screening for hepatitis c",
        "Z11.1|s|tuberculosis screening;tb screening;screening for tuberculosis",
        // Postpartum care and contraception management (Z39, Z30).
        "Z39.2|s|postpartum visit;postpartum care;routine postpartum care;postpartum check;postpartum checkup;postpartum exam;postpartum follow up;postpartum follow-up",
        "Z30.430|s|iud insertion;insertion of iud;iud placement;placement of iud;insert an iud;insert the iud;place an iud;place the iud;iud was inserted;iud was placed;iud placed",
        "Z30.432|s|iud removal;removal of iud;remove the iud;remove her iud;iud was removed;iud removed",
        "Z30.433|s|iud replacement;replace the iud;iud exchange;removal and reinsertion of iud",
        "Z30.011|s|start oral contraceptives;start oral contraceptive pills;start birth control pills;start the birth control pill;initial prescription of oral contraceptives;new prescription for birth control pills",
        "Z30.41|s|continue oral contraceptives;continue oral contraceptive pills;continue birth control pills;continue her birth control pills;refill birth control pills;refill oral contraceptives;oral contraceptive refill;birth control pill refill;continue ocp;continue ocps;refill ocp;refill ocps",
        "Z30.017|s|nexplanon insertion;insertion of nexplanon;implant insertion;insert nexplanon;nexplanon placement",
        "Z30.09|s|contraceptive counseling;contraception counseling;birth control counseling;counseling on contraception;counseled on contraception",
        // Pneumonia by organism (J12-J16): not J18 when the organism is stated.
        "J13|s|pneumococcal pneumonia;streptococcus pneumoniae pneumonia;strep pneumoniae pneumonia;pneumonia due to streptococcus pneumoniae;pneumonia due to strep pneumoniae",
        "J14|s|haemophilus influenzae pneumonia;h influenzae pneumonia;h flu pneumonia;pneumonia due to haemophilus influenzae",
        "J15.7|s|mycoplasma pneumonia;pneumonia due to mycoplasma;mycoplasma pneumoniae pneumonia",
        "J15.0|s|klebsiella pneumonia;pneumonia due to klebsiella",
        "J15.1|s|pseudomonas pneumonia;pneumonia due to pseudomonas",
        "J15.212|s|mrsa pneumonia;pneumonia due to mrsa",
        "J15.211|s|mssa pneumonia;pneumonia due to mssa",
        "J15.4|s|streptococcal pneumonia;strep pneumonia",
        "J15.5|s|e coli pneumonia;pneumonia due to e coli",
        "J12.9|s|viral pneumonia",
        "J12.1|s|rsv pneumonia;pneumonia due to rsv",
        "J12.82|s|covid pneumonia;covid 19 pneumonia;pneumonia due to covid;pneumonia due to covid 19",
        // Hypoglycemia levels (E16.A-, FY2025).
        "E16.A1|m|level 1 hypoglycemia;hypoglycemia level 1",
        "E16.A2|m|level 2 hypoglycemia;hypoglycemia level 2",
        "E16.A3|s|level 3 hypoglycemia;hypoglycemia level 3",
    ]

    /// The concepts, parsed.
    public static let table: [Concept] = lines.compactMap { line in
        let fields = line.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        var traits: Traits = []
        for letter in fields[1] {
            switch letter {
            case "c": traits.insert(.chronic)
            case "m": traits.insert(.minor)
            case "s": traits.insert(.systemic)
            case "t": traits.insert(.threat)
            case "y": traits.insert(.symptom)
            default: break
            }
        }
        traits.formUnion(Self.traits(forCategory: String(fields[0].replacingDot().prefix(3))))
        return Concept(
            code: String(fields[0]), traits: traits, phrases: fields[2].split(separator: ";").map(String.init))
    }

    /// Traits every code of a category has: symptoms, injuries, status codes; and chronic categories.
    public static func traits(forCategory category: String) -> Traits {
        guard let letter = category.first else { return [] }
        var traits: Traits = []
        switch letter {
        case "R": traits.insert(.symptom)
        case "S", "T": traits.insert(.injury)
        case "Z": traits.insert(.status)
        default: break
        }
        if chronicCategories.contains(where: { category.hasPrefix($0) }) { traits.insert(.chronic) }
        return traits
    }

    static let chronicCategories = [
        "E10", "E11", "E13", "E03", "E05", "E66", "E78", "I10", "I11", "I12", "I13", "I25", "I48", "I50", "J44", "J45",
        "N18", "F20", "F31", "F32", "F33", "F41", "F90", "G20", "G30", "G35", "G40", "G43", "M05", "M06", "M15", "M16",
        "M17", "M18", "M19", "M81", "K21", "K50", "K51", "K58", "B20", "B18", "C", "D50", "D63", "G47", "I73", "N40",
    ]

    /// A more specific code a condition takes when its clause says a word: peripheral arterial disease with
    /// claudication is atherosclerosis of the native arteries of the legs (I70.21-).
    public static let upgrades: [(code: String, word: String, scope: String)] = [
        ("I73.9", "claudication", "I70.21"),
        // An ankle sprain said with the ligament it tore (`left ankle sprain, the anterior talofibular ligament`).
        ("S93.40", "talofibular", "S93.49"), ("S93.40", "atfl", "S93.49"), ("S93.40", "calcaneofibular", "S93.41"),
        // Allergic rhinitis said with its pollen (`seasonal allergic rhinitis from the tree pollen`): J30.1.
        ("J30.9", "pollen", "J30"), ("J30.2", "pollen", "J30"),
        // Major depression said to be recurrent, or with its severity (`recurrent , and right now it's moderate`).
        ("F32.9", "recurrent", "F33"),
        ("F33.9", "mild", "F33"), ("F33.9", "moderate", "F33"), ("F33.9", "remission", "F33"),
        ("F33.9", "severe", "F33"),
        // A single episode by its severity, straight to the code: scoped to F32, a short `Major depression, severe.`
        // chose `Depression, unspecified` (F32.A). Severe without a word on psychosis is `without psychotic
        // features`, as the index's default.
        ("F32.9", "mild", "F32.0"), ("F32.9", "moderate", "F32.1"), ("F32.9", "severe", "F32.2"),
    ]

    /// Personal history codes for conditions that no longer exist, by the code prefix of the condition.
    public static let historyCodes: [(prefix: String, code: String)] = [
        ("C50", "Z85.3"), ("C61", "Z85.46"), ("C18", "Z85.038"), ("C19", "Z85.048"), ("C20", "Z85.048"),
        ("C34", "Z85.118"), ("C43", "Z85.820"), ("C44", "Z85.828"), ("C67", "Z85.51"), ("C73", "Z85.850"),
        ("C56", "Z85.43"), ("C53", "Z85.41"), ("C54", "Z85.42"), ("C64", "Z85.528"), ("C16", "Z85.028"),
        ("C62", "Z85.47"), ("C71", "Z85.841"), ("C81", "Z85.71"), ("C82", "Z85.72"), ("C83", "Z85.72"),
        ("C85", "Z85.72"), ("C91", "Z85.6"), ("C92", "Z85.6"), ("C95", "Z85.6"), ("C", "Z85.9"),
        ("I21", "I25.2"), ("I63", "Z86.73"), ("G45", "Z86.73"), ("I82", "Z86.718"), ("I26", "Z86.711"),
        ("N20", "Z87.442"), ("J18", "Z87.01"), ("N39.0", "Z87.440"), ("F17", "Z87.891"), ("Z72.0", "Z87.891"),
        ("K63.5", "Z86.0100"), ("N87", "Z87.410"), ("D12", "Z86.0101"), ("A49.02", "Z86.14"), ("O24.4", "Z86.32"),
        ("U07", "Z86.16"), ("K35", "Z87.19"),
    ]

    /// Family history codes, by the code prefix of the relative's condition.
    public static let familyCodes: [(prefix: String, code: String)] = [
        ("C18", "Z80.0"), ("C19", "Z80.0"), ("C20", "Z80.0"), ("C50", "Z80.3"), ("C61", "Z80.42"), ("C56", "Z80.41"),
        ("C34", "Z80.1"), ("C43", "Z80.8"), ("C91", "Z80.6"), ("C92", "Z80.6"), ("C95", "Z80.6"), ("C", "Z80.9"),
        ("E10", "Z83.3"), ("E11", "Z83.3"), ("I2", "Z82.49"), ("I10", "Z82.49"), ("I50", "Z82.49"), ("I63", "Z82.3"),
        ("J45", "Z82.5"), ("F10", "Z81.1"), ("F32", "Z81.8"), ("F33", "Z81.8"), ("G30", "Z82.0"), ("F03", "Z82.0"),
        ("M81", "Z82.62"), ("N18", "Z84.19"), ("E78", "Z83.42"),
    ]
}

extension StringProtocol {
    func replacingDot() -> String { String(self.filter { $0 != "." }) }
}
