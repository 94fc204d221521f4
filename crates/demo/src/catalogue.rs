//! The fixed, clearly fictional world the demo data lives in: one ICB, one PCN, its practices,
//! the VCSE organisations and their services, the referral scenarios and the name lists.
//!
//! Everything here is invented. Postcodes use the area `RV` (no such UK postcode area exists, but
//! the shape is valid), phone numbers are in Ofcom's range reserved for drama (0113 496 0xxx), and
//! e-mail addresses use the reserved `example.org` and `.test` domains.

use linkwork_domain::casework::need::NeedDomain::{self, *};

pub const ICB_NAME: &str = "NHS Riverside Integrated Care Board";
/// The demo ICB's ODS code; [`crate::is_seeded`] looks it up.
pub const ICB_ODS: &str = "QRV";
pub const PCN_NAME: &str = "Riverside Central PCN";
pub const PCN_ODS: &str = "U12345";

/// How the public reach the demo link-worker service (Ofcom's drama range, `example.org`).
pub const SERVICE_PHONE: &str = "01632 960000";
pub const SERVICE_EMAIL: &str = "socialprescribing@example.org";
pub const SERVICE_HOURS: &str = "Monday to Friday, 9am to 5pm";

/// The domain of every demo account.
pub const EMAIL_DOMAIN: &str = "demo.linkwork.test";

pub struct PracticeDef {
    pub ods: &'static str,
    pub name: &'static str,
    pub list_size: i64,
    /// Outward codes most of its patients live in.
    pub outward: &'static [&'static str],
    /// Who refers from this practice.
    pub referrers: &'static [&'static str],
}

pub const PRACTICES: &[PracticeDef] = &[
    PracticeDef {
        ods: "Y01001",
        name: "Riverside Medical Centre",
        list_size: 13_850,
        outward: &["RV1", "RV2"],
        referrers: &["Dr Priya Raman", "Dr Andrew Fielding", "Dr Sophie Clarke", "Janet Holt, practice nurse", "Lucy Marsh, care coordinator"],
    },
    PracticeDef {
        ods: "Y01002",
        name: "Mill Lane Surgery",
        list_size: 7_240,
        outward: &["RV3"],
        referrers: &["Dr Michael Osei", "Dr Rebecca Lowe", "Karen Firth, practice nurse"],
    },
    PracticeDef {
        ods: "Y01003",
        name: "Canal Street Health Centre",
        list_size: 11_460,
        outward: &["RV4", "RV5"],
        referrers: &["Dr Imran Siddiqui", "Dr Claire Donnelly", "Dr Tom Whitworth", "Aisha Begum, clinical pharmacist"],
    },
    PracticeDef {
        ods: "Y01004",
        name: "Parkview Family Practice",
        list_size: 9_120,
        outward: &["RV6", "RV7"],
        referrers: &["Dr Helen Kirkby", "Dr Sanjay Mehta", "Paul Greaves, paramedic practitioner"],
    },
    PracticeDef {
        ods: "Y01005",
        name: "Hollybank Surgery",
        list_size: 6_310,
        outward: &["RV8", "RV9"],
        referrers: &["Dr Fiona McLeod", "Dr Daniel Achebe", "Sue Barraclough, practice nurse"],
    },
];

/// Referrers who are not at a GP practice, by source.
pub const OTHER_HEALTH_REFERRERS: &[&str] = &[
    "Riverside Community Mental Health Team",
    "Claire Bennett, district nurse",
    "Riverside General Hospital discharge team",
    "Joanne Kerr, health visitor",
    "Ravi Shah, community pharmacist",
    "MSK physiotherapy service",
    "Talking Therapies Riverside",
];
pub const COUNCIL_REFERRERS: &[&str] = &[
    "Adult Social Care, Riverside Council",
    "Riverside Council housing options team",
    "Early Help team, Riverside Council",
    "Local area coordinator, Riverside Council",
];

pub struct StaffDef<'a> {
    pub email_local: &'a str,
    pub display_name: &'a str,
}

pub const LINK_WORKERS: &[StaffDef<'static>] = &[
    StaffDef { email_local: "linkworker1", display_name: "Amira Hussain" },
    StaffDef { email_local: "linkworker2", display_name: "Tom Baxter" },
    StaffDef { email_local: "linkworker3", display_name: "Grace Okafor" },
];
/// Share of new referrals each link worker takes (the third works part time).
pub const LINK_WORKER_SHARE: &[u32] = &[40, 35, 25];
pub const MANAGER: StaffDef<'static> = StaffDef { email_local: "manager", display_name: "Helen Marsh" };
pub const COMMISSIONER: StaffDef<'static> = StaffDef { email_local: "commissioner", display_name: "David Okonjo" };
/// A receptionist-referrer at the first practice, to show the GP practice's way in.
pub const PRACTICE_STAFF: StaffDef<'static> = StaffDef { email_local: "practice", display_name: "Nadia Ellis" };
pub const ADMIN: StaffDef<'static> = StaffDef { email_local: "admin", display_name: "Sam Priestley" };

pub struct ServiceDef {
    pub name: &'static str,
    pub description: &'static str,
    pub needs: &'static [NeedDomain],
    /// How readily link workers send people here (relative).
    pub popularity: u32,
}

pub struct VcseDef {
    pub slug: &'static str,
    pub name: &'static str,
    /// Who would sign in as the partner.
    pub contact: &'static str,
    pub address: &'static str,
    pub postcode: &'static str,
    pub phone: &'static str,
    pub services: &'static [ServiceDef],
}

impl VcseDef {
    pub fn email(&self) -> String {
        format!("referrals@{}.example.org", self.slug)
    }
}

pub const VCSES: &[VcseDef] = &[
    VcseDef {
        slug: "age-together",
        name: "Riverside Age Together",
        contact: "Jo Whitaker",
        address: "Age Together House, 14 Chapel Street, Riverside",
        postcode: "RV1 3DE",
        phone: "0113 496 0101",
        services: &[
            ServiceDef { name: "Telephone befriending", description: "A trained volunteer phones once a week for a chat. For people over 60 who feel lonely or cut off.", needs: &[Loneliness], popularity: 9 },
            ServiceDef { name: "Friday lunch club", description: "A hot two-course lunch and company every Friday at the community centre. Transport can be arranged.", needs: &[Loneliness, FoodInsecurity], popularity: 6 },
            ServiceDef { name: "Steady Steps", description: "A 12-week strength and balance course for people who have fallen or are worried about falling.", needs: &[PhysicalActivity, LongTermCondition], popularity: 4 },
        ],
    },
    VcseDef {
        slug: "money-advice",
        name: "Riverside Money and Benefits Advice",
        contact: "Farhan Malik",
        address: "2nd floor, 31 Market Street, Riverside",
        postcode: "RV2 1LB",
        phone: "0113 496 0214",
        services: &[
            ServiceDef { name: "Debt advice drop-in", description: "Free, confidential advice on debts, arrears and dealing with creditors. Tuesdays and Thursdays, no appointment needed.", needs: &[MoneyDebtBenefits, LegalAdvice], popularity: 10 },
            ServiceDef { name: "Benefits check and form filling", description: "A full benefits check and help with Universal Credit, PIP and Attendance Allowance claims and appeals.", needs: &[MoneyDebtBenefits], popularity: 8 },
        ],
    },
    VcseDef {
        slug: "food-bank",
        name: "Canalside Food Bank",
        contact: "Rev. Mark Tennant",
        address: "St Anne's Church Hall, Wharf Road, Riverside",
        postcode: "RV4 7QT",
        phone: "0113 496 0322",
        services: &[
            ServiceDef { name: "Emergency food parcels", description: "Three days of nutritionally balanced food on referral, with signposting to advice.", needs: &[FoodInsecurity], popularity: 7 },
            ServiceDef { name: "Community pantry", description: "A membership pantry: a weekly shop of about £15 worth of food for £3.50.", needs: &[FoodInsecurity, MoneyDebtBenefits], popularity: 5 },
        ],
    },
    VcseDef {
        slug: "mens-shed",
        name: "Millbrook Men's Shed",
        contact: "Ken Ashworth",
        address: "Unit 4, Millbrook Yard, Riverside",
        postcode: "RV3 5HS",
        phone: "0113 496 0437",
        services: &[ServiceDef {
            name: "Men's Shed workshop",
            description: "Woodwork, repairs and a brew in a friendly workshop. Open Monday, Wednesday and Saturday mornings. Women welcome on Wednesdays.",
            needs: &[Loneliness, MentalWellbeing, Employment],
            popularity: 6,
        }],
    },
    VcseDef {
        slug: "open-doors-arts",
        name: "Open Doors Arts",
        contact: "Nadia Kowalczyk",
        address: "The Old Library, 5 Park Row, Riverside",
        postcode: "RV6 2AN",
        phone: "0113 496 0519",
        services: &[
            ServiceDef { name: "Creative wellbeing art group", description: "A relaxed weekly art group for people living with anxiety, low mood or stress. No experience needed; materials provided.", needs: &[ArtsCulture, MentalWellbeing], popularity: 6 },
            ServiceDef { name: "Riverside community choir", description: "A no-audition choir that meets on Thursday evenings. Singing for fun and for breath.", needs: &[ArtsCulture, Loneliness], popularity: 4 },
        ],
    },
    VcseDef {
        slug: "bereavement",
        name: "Riverside Bereavement Support",
        contact: "Margaret Allott",
        address: "Hollybank Centre, 22 Hollybank Road, Riverside",
        postcode: "RV8 4JW",
        phone: "0113 496 0603",
        services: &[
            ServiceDef { name: "One-to-one bereavement support", description: "Up to eight sessions with a trained bereavement volunteer, at home, by phone or at the centre.", needs: &[Bereavement, MentalWellbeing], popularity: 7 },
            ServiceDef { name: "Bereavement café", description: "A drop-in café on the first and third Wednesday of the month for anyone who has lost someone.", needs: &[Bereavement, Loneliness], popularity: 5 },
        ],
    },
    VcseDef {
        slug: "get-online",
        name: "Get Online Riverside",
        contact: "Chris Ibbotson",
        address: "Riverside Central Library, Town Square, Riverside",
        postcode: "RV2 6TS",
        phone: "0113 496 0688",
        services: &[
            ServiceDef { name: "Digital skills drop-in", description: "Help with phones, tablets, the NHS App, online banking and Universal Credit journals. Bring your own device or borrow one.", needs: &[DigitalInclusion], popularity: 5 },
            ServiceDef { name: "Tablet lending scheme", description: "A free tablet with data for six months and weekly support from a digital buddy.", needs: &[DigitalInclusion, Loneliness], popularity: 3 },
        ],
    },
    VcseDef {
        slug: "carers-centre",
        name: "Riverside Carers' Centre",
        contact: "Bernadette Quinn",
        address: "9 Victoria Terrace, Riverside",
        postcode: "RV5 2PL",
        phone: "0113 496 0745",
        services: &[
            ServiceDef { name: "Carers' information and advice", description: "Advice on carer's assessments, Carer's Allowance, respite and planning for emergencies.", needs: &[CarerSupport, MoneyDebtBenefits], popularity: 6 },
            ServiceDef { name: "Carers' wellbeing group", description: "A fortnightly group for unpaid carers to meet others, with relaxation sessions and days out.", needs: &[CarerSupport, MentalWellbeing, Loneliness], popularity: 5 },
        ],
    },
    VcseDef {
        slug: "green-corners",
        name: "Green Corners Gardening Project",
        contact: "Owen Pryce",
        address: "Riverside Community Garden, Allotment Lane, Riverside",
        postcode: "RV7 8GG",
        phone: "0113 496 0812",
        services: &[
            ServiceDef { name: "Therapeutic gardening", description: "Small-group gardening sessions twice a week, growing food and flowers. Accessible raised beds.", needs: &[Nature, MentalWellbeing, PhysicalActivity], popularity: 6 },
            ServiceDef { name: "Allotment volunteers", description: "Regular volunteering on the community allotment, with a reference after three months.", needs: &[Nature, Employment], popularity: 3 },
        ],
    },
    VcseDef {
        slug: "housing-advice",
        name: "Shelter Point Housing Advice",
        contact: "Leanne Booth",
        address: "40 Station Road, Riverside",
        postcode: "RV4 1SR",
        phone: "0113 496 0867",
        services: &[
            ServiceDef { name: "Housing advice clinic", description: "Advice on disrepair, damp and mould, eviction, homelessness and getting on the housing register.", needs: &[Housing, LegalAdvice], popularity: 6 },
            ServiceDef { name: "Tenancy sustainment", description: "Practical support for up to six months to keep a tenancy going: bills, budgeting and dealing with landlords.", needs: &[Housing, MoneyDebtBenefits], popularity: 3 },
        ],
    },
    VcseDef {
        slug: "volunteer-centre",
        name: "Riverside Volunteer Centre",
        contact: "Priti Desai",
        address: "Enterprise House, 3 Bridge Street, Riverside",
        postcode: "RV1 5BQ",
        phone: "0113 496 0903",
        services: &[
            ServiceDef { name: "Volunteering hub", description: "One-to-one help to find a volunteering role that fits your interests, health and time.", needs: &[Employment, Loneliness], popularity: 5 },
            ServiceDef { name: "Work Ready confidence course", description: "A six-week course on confidence, CVs and interviews, with a mentor afterwards.", needs: &[Employment, MentalWellbeing], popularity: 3 },
        ],
    },
    VcseDef {
        slug: "active-riverside",
        name: "Active Riverside",
        contact: "Becky Holroyd",
        address: "Riverside Leisure Centre, Meadow Way, Riverside",
        postcode: "RV6 4LW",
        phone: "0113 496 0934",
        services: &[
            ServiceDef { name: "Health walks", description: "Free, led walks of 30 to 90 minutes from the park gates and the canal basin, finishing with a cuppa.", needs: &[PhysicalActivity, Loneliness, Nature], popularity: 9 },
            ServiceDef { name: "Walking football", description: "Slow-paced football for over-50s, Tuesday evenings at the leisure centre.", needs: &[PhysicalActivity, Loneliness], popularity: 3 },
            ServiceDef { name: "Chair-based exercise", description: "Gentle seated exercise classes for people with long-term conditions or limited mobility.", needs: &[PhysicalActivity, LongTermCondition], popularity: 4 },
        ],
    },
    VcseDef {
        slug: "wellbeing-hub",
        name: "Riverside Wellbeing Hub",
        contact: "Sian Gallagher",
        address: "12 Albion Street, Riverside",
        postcode: "RV5 3AX",
        phone: "0113 496 0958",
        services: &[
            ServiceDef { name: "Managing stress and anxiety course", description: "A four-week course on understanding and managing anxiety, run by people with lived experience.", needs: &[MentalWellbeing], popularity: 7 },
            ServiceDef { name: "Peer support group", description: "A weekly, friendly space to talk with others who have been through similar things.", needs: &[MentalWellbeing, Loneliness], popularity: 5 },
        ],
    },
    VcseDef {
        slug: "welcome-riverside",
        name: "Welcome Riverside",
        contact: "Yusuf Abdi",
        address: "Unity Centre, 77 Northgate, Riverside",
        postcode: "RV3 9NU",
        phone: "0113 496 0972",
        services: &[
            ServiceDef { name: "English conversation café", description: "Informal English practice over tea for people new to the UK, all levels welcome.", needs: &[Loneliness, Employment], popularity: 3 },
            ServiceDef { name: "New arrivals advice", description: "Advice for refugees and new arrivals on housing, benefits, immigration and registering with services.", needs: &[LegalAdvice, Housing], popularity: 2 },
        ],
    },
    VcseDef {
        slug: "community-transport",
        name: "Riverside Community Transport",
        contact: "Gordon Haigh",
        address: "Depot 2, Canal Side Industrial Estate, Riverside",
        postcode: "RV4 8DP",
        phone: "0113 496 0985",
        services: &[
            ServiceDef { name: "Door-to-door dial-a-ride", description: "An accessible minibus for people who cannot use public transport, for shopping, appointments and social trips.", needs: &[Transport], popularity: 3 },
            ServiceDef { name: "Accompanied shopping trips", description: "A weekly minibus trip to the supermarket with volunteer help and a café stop.", needs: &[Transport, Loneliness], popularity: 3 },
        ],
    },
    VcseDef {
        slug: "family-centre",
        name: "Little Steps Family Centre",
        contact: "Hayley Brook",
        address: "Parkview Children's Centre, Elm Grove, Riverside",
        postcode: "RV7 2EG",
        phone: "0113 496 0991",
        services: &[ServiceDef {
            name: "Parent and baby group",
            description: "A weekly group for parents of babies under one, with a family support worker and health visitor drop-in.",
            needs: &[FamilyRelationships, Loneliness, MentalWellbeing],
            popularity: 3,
        }],
    },
    VcseDef {
        slug: "recovery-cafe",
        name: "Riverside Recovery Café",
        contact: "Lee Sutcliffe",
        address: "18 Kirkgate, Riverside",
        postcode: "RV2 4KR",
        phone: "0113 496 0996",
        services: &[ServiceDef {
            name: "Recovery café and mutual aid",
            description: "An alcohol-free café with peer support and mutual aid meetings for people cutting down or in recovery.",
            needs: &[SubstanceUse, MentalWellbeing, Loneliness],
            popularity: 2,
        }],
    },
];

/// A common reason people are referred, and how their support tends to go.
pub struct Scenario {
    pub weight: u32,
    pub min_age: i32,
    pub max_age: i32,
    pub female_only: bool,
    pub needs: &'static [NeedDomain],
    /// Needs the "what matters" conversation sometimes uncovers.
    pub extra_needs: &'static [NeedDomain],
    /// In the referrer's words.
    pub reasons: &'static [&'static str],
    /// In the person's words.
    pub what_matters: &'static [&'static str],
    pub goals: &'static [&'static str],
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        weight: 12,
        min_age: 55,
        max_age: 90,
        female_only: false,
        needs: &[Bereavement, Loneliness],
        extra_needs: &[MentalWellbeing, DigitalInclusion, MoneyDebtBenefits],
        reasons: &[
            "Partner died earlier this year. Living alone, tearful and not going out. Frequent attender with physical symptoms; would benefit from support to reconnect.",
            "Recently bereaved and struggling with grief. Family live away. Says the evenings and weekends are the worst.",
            "Lost spouse of 40 years. Low mood but not depressed on PHQ-9. Asking for something to do and people to talk to.",
        ],
        what_matters: &[
            "Having someone to talk to about him, and a reason to get out of the house.",
            "Not feeling so alone at weekends. I used to go to church and I'd like to go back.",
            "Getting some routine back and sorting out the paperwork she always did.",
        ],
        goals: &[
            "Go to the bereavement café once a fortnight",
            "Have a weekly call with a befriender",
            "Go back to the Sunday coffee morning",
            "Sort out the pension and bank letters with help",
            "Meet a friend for lunch once a week",
        ],
    },
    Scenario {
        weight: 12,
        min_age: 20,
        max_age: 66,
        female_only: false,
        needs: &[MoneyDebtBenefits, MentalWellbeing],
        extra_needs: &[FoodInsecurity, Housing, Employment],
        reasons: &[
            "Anxiety and poor sleep linked to rent arrears and council tax debt. Has been ignoring letters.",
            "Low mood since Universal Credit was reduced; behind on energy bills and worried about bailiffs.",
            "Stress and panic attacks about money after losing job. Would like help with debts and benefits.",
        ],
        what_matters: &[
            "Getting the debts sorted so I can sleep at night.",
            "Stopping the letters and phone calls, and knowing what I'm entitled to.",
            "Feeling on top of things again, and being able to feed the kids properly.",
        ],
        goals: &[
            "Open all the letters with support and make a list of debts",
            "See the debt adviser and agree a payment plan",
            "Apply for the council tax reduction",
            "Get a benefits check",
            "Try the stress and anxiety course",
        ],
    },
    Scenario {
        weight: 7,
        min_age: 18,
        max_age: 85,
        female_only: false,
        needs: &[Housing],
        extra_needs: &[LongTermCondition, MoneyDebtBenefits, MentalWellbeing],
        reasons: &[
            "Damp and mould in rented flat, child's and own asthma worse. Landlord not responding to complaints.",
            "Served a section 21 notice; anxious about becoming homeless. Needs housing advice.",
            "Living in overcrowded accommodation, sleeping poorly, asking about rehousing.",
        ],
        what_matters: &[
            "A safe, dry home where I can breathe properly.",
            "Knowing where we'll be living in three months.",
            "Getting the landlord to fix things without losing the flat.",
        ],
        goals: &[
            "Get advice on the landlord's repair duties",
            "Go on the housing register",
            "Write to the landlord about the mould with help",
            "Find out about help with a deposit",
        ],
    },
    Scenario {
        weight: 11,
        min_age: 35,
        max_age: 85,
        female_only: false,
        needs: &[PhysicalActivity, LongTermCondition],
        extra_needs: &[Loneliness, MentalWellbeing, Nature],
        reasons: &[
            "Type 2 diabetes, raised HbA1c and BMI 34. Motivated to be more active but lacks confidence to start.",
            "COPD, deconditioned after a winter admission. Would like to build up exercise tolerance.",
            "Osteoarthritis of both knees, gaining weight and becoming less mobile. Keen to try something gentle.",
        ],
        what_matters: &[
            "Being able to walk to the shops without stopping.",
            "Getting fitter so I can keep up with the grandchildren.",
            "Losing a bit of weight and feeling less stiff in the mornings.",
        ],
        goals: &[
            "Join a health walk once a week",
            "Try the chair-based exercise class",
            "Walk to the end of the road and back every day",
            "Go to the gardening group",
            "Swap the evening snack for fruit",
        ],
    },
    Scenario {
        weight: 8,
        min_age: 30,
        max_age: 90,
        female_only: false,
        needs: &[CarerSupport, MentalWellbeing],
        extra_needs: &[Loneliness, MoneyDebtBenefits, PhysicalActivity],
        reasons: &[
            "Full-time carer for husband with dementia. Exhausted, not sleeping and no time for self.",
            "Caring for adult son with mental health problems. Low mood and struggling to cope.",
            "Cares for elderly mother who lives nearby; juggling work and caring, signs of burnout.",
        ],
        what_matters: &[
            "A break now and then, and knowing someone would step in if I was ill.",
            "Having a bit of time that's just mine.",
            "Understanding what help there is, because I didn't know I was a carer.",
        ],
        goals: &[
            "Ask for a carer's assessment",
            "Go to the carers' group once",
            "Check eligibility for Carer's Allowance",
            "Make an emergency plan for if I can't care",
            "Have one afternoon a week for myself",
        ],
    },
    Scenario {
        weight: 12,
        min_age: 60,
        max_age: 90,
        female_only: false,
        needs: &[Loneliness],
        extra_needs: &[PhysicalActivity, Transport, DigitalInclusion],
        reasons: &[
            "Lives alone since family moved away. Says days can pass without speaking to anyone.",
            "Increasingly isolated after giving up driving. Frequent calls to the surgery for reassurance.",
            "Recently moved into sheltered housing, knows nobody, low in mood.",
        ],
        what_matters: &[
            "Having people to chat to and something to look forward to in the week.",
            "Getting out of the flat more.",
            "Making a friend or two round here.",
        ],
        goals: &[
            "Go to the lunch club on Friday",
            "Have a weekly call with a befriender",
            "Try the community choir",
            "Join a walking group",
            "Learn to video call the family",
        ],
    },
    Scenario {
        weight: 8,
        min_age: 25,
        max_age: 70,
        female_only: false,
        needs: &[LongTermCondition, MentalWellbeing],
        extra_needs: &[Employment, PhysicalActivity, MoneyDebtBenefits],
        reasons: &[
            "Chronic back pain, off work for three months, low mood. Medication review done; would like non-medical support.",
            "Fibromyalgia with fatigue and low mood. Feels stuck and isolated at home.",
        ],
        what_matters: &[
            "Doing more of the things I enjoy despite the pain.",
            "Getting back to some kind of work.",
            "Feeling less useless.",
        ],
        goals: &[
            "Pace activities with a daily plan",
            "Try the gardening group",
            "Talk to the employer about a phased return",
            "Try a gentle exercise class",
        ],
    },
    Scenario {
        weight: 6,
        min_age: 18,
        max_age: 35,
        female_only: false,
        needs: &[Employment, MentalWellbeing],
        extra_needs: &[Loneliness, MoneyDebtBenefits, DigitalInclusion],
        reasons: &[
            "Young adult not in work or training, anxious and staying in. Wants to build confidence and a routine.",
            "Left college due to anxiety; mum worried about isolation. Interested in volunteering.",
        ],
        what_matters: &[
            "Having a reason to get up in the morning.",
            "Feeling confident enough to go for a job.",
        ],
        goals: &[
            "Look at volunteering roles with the hub",
            "Do the Work Ready course",
            "Get out of the house three times a week",
            "Write a CV",
        ],
    },
    Scenario {
        weight: 5,
        min_age: 18,
        max_age: 75,
        female_only: false,
        needs: &[FoodInsecurity, MoneyDebtBenefits],
        extra_needs: &[MentalWellbeing, Housing],
        reasons: &[
            "Skipping meals to make money last since a benefits change. Weight loss noted.",
            "Struggling to afford food and heating; asked the receptionist about the food bank.",
        ],
        what_matters: &[
            "Having enough food in the cupboard till the end of the month.",
            "Not having to choose between heating and eating.",
        ],
        goals: &[
            "Get a food parcel this week",
            "Join the community pantry",
            "Get a benefits check",
            "Apply for the household support fund",
        ],
    },
    Scenario {
        weight: 5,
        min_age: 55,
        max_age: 90,
        female_only: false,
        needs: &[DigitalInclusion, Loneliness],
        extra_needs: &[MoneyDebtBenefits],
        reasons: &[
            "Cannot manage online repeat prescriptions or benefits account; no one to help. Anxious about everything moving online.",
            "Has been given a tablet by family but does not know how to use it; wants to video call grandchildren.",
        ],
        what_matters: &[
            "Being able to do things for myself online without asking my son.",
            "Seeing the grandchildren on the screen.",
        ],
        goals: &[
            "Go to the digital skills drop-in",
            "Order a repeat prescription on the NHS App",
            "Make a video call to family",
        ],
    },
    Scenario {
        weight: 3,
        min_age: 18,
        max_age: 65,
        female_only: false,
        needs: &[Loneliness, LegalAdvice],
        extra_needs: &[Housing, Employment, MentalWellbeing],
        reasons: &[
            "Recently granted refugee status. Isolated, limited English, anxious about housing and work.",
            "New to the area from abroad, knows nobody and unsure how services work.",
        ],
        what_matters: &[
            "Improving my English and meeting people.",
            "Finding a home and a job so my family can settle.",
        ],
        goals: &[
            "Go to the English conversation café",
            "Get advice about housing and benefits",
            "Look for volunteering to build experience",
        ],
    },
    Scenario {
        weight: 4,
        min_age: 55,
        max_age: 75,
        female_only: false,
        needs: &[MentalWellbeing, SubstanceUse],
        extra_needs: &[Loneliness, Employment, PhysicalActivity],
        reasons: &[
            "Recently retired, lost sense of purpose, drinking more than would like (AUDIT-C 7).",
            "Low mood and increasing alcohol use since redundancy; declined alcohol service for now but open to other support.",
        ],
        what_matters: &[
            "Feeling useful again.",
            "Cutting down the drinking and finding something else to do in the evenings.",
        ],
        goals: &[
            "Go to the Men's Shed",
            "Have three alcohol-free days a week",
            "Visit the recovery café",
            "Find a volunteering role",
        ],
    },
    Scenario {
        weight: 3,
        min_age: 18,
        max_age: 42,
        female_only: true,
        needs: &[Loneliness, MentalWellbeing, FamilyRelationships],
        extra_needs: &[MoneyDebtBenefits],
        reasons: &[
            "New mum, isolated and low in mood; partner works away. Health visitor also involved.",
            "Second baby, no family nearby, feeling overwhelmed and lonely. EPDS 11.",
        ],
        what_matters: &[
            "Meeting other mums and not feeling like I'm doing it on my own.",
            "Getting out with the baby and feeling like myself again.",
        ],
        goals: &[
            "Go to the parent and baby group",
            "Have one outing a week with the baby",
            "Talk to the health visitor about how I'm feeling",
        ],
    },
    Scenario {
        weight: 6,
        min_age: 18,
        max_age: 80,
        female_only: false,
        needs: &[MentalWellbeing, ArtsCulture],
        extra_needs: &[Loneliness, Nature],
        reasons: &[
            "Anxiety and work-related stress, on the waiting list for talking therapies. Interested in creative activities.",
            "Mild depression, prefers not to take medication. Used to paint and would like to get back to it.",
        ],
        what_matters: &[
            "Doing something creative that takes my mind off things.",
            "Feeling calmer and sleeping better.",
        ],
        goals: &[
            "Go to the art group",
            "Try the community choir",
            "Do the stress and anxiety course",
            "Spend half an hour outdoors each day",
        ],
    },
    Scenario {
        weight: 5,
        min_age: 70,
        max_age: 90,
        female_only: false,
        needs: &[Transport, PhysicalActivity, Loneliness],
        extra_needs: &[LongTermCondition, DigitalInclusion],
        reasons: &[
            "Two falls this year, lost confidence going out. No transport to appointments since giving up the car.",
            "Frail, housebound most of the week; wants to get to the shops and the luncheon club.",
        ],
        what_matters: &[
            "Getting out safely, and doing my own shopping.",
            "Not being stuck in the house all week.",
        ],
        goals: &[
            "Register for dial-a-ride",
            "Do the Steady Steps course",
            "Go on the accompanied shopping trip",
            "Go to the Friday lunch club",
        ],
    },
];

/// NHS Data Dictionary ethnic category codes with weights roughly like a northern English town.
pub const ETHNICITY_MIX: &[(&str, u32)] = &[
    ("A", 720),
    ("B", 12),
    ("C", 55),
    ("D", 10),
    ("E", 5),
    ("F", 7),
    ("G", 5),
    ("H", 25),
    ("J", 42),
    ("K", 10),
    ("L", 8),
    ("M", 12),
    ("N", 22),
    ("P", 3),
    ("R", 7),
    ("S", 8),
    ("Z", 28),
    ("99", 21),
];

/// Given names (female, male) and family names for a group of people.
pub struct NameList {
    pub female: &'static [&'static str],
    pub male: &'static [&'static str],
    pub family: &'static [&'static str],
}

pub const BRITISH: NameList = NameList {
    female: &[
        "Margaret", "Susan", "Patricia", "Linda", "Janet", "Christine", "Karen", "Julie", "Sarah", "Emma", "Rachel", "Hannah", "Chloe", "Jessica",
        "Lauren", "Amy", "Joan", "Dorothy", "Jean", "Pauline", "Sandra", "Tracey", "Nicola", "Lisa", "Kelly", "Gemma", "Sophie", "Eleanor",
        "Barbara", "Maureen", "Sheila", "Brenda", "Carol", "Gillian", "Helen", "Wendy", "Kathleen", "Elaine", "Joanne", "Stacey", "Megan",
    ],
    male: &[
        "John", "David", "Michael", "Peter", "Robert", "Stephen", "Paul", "Andrew", "Mark", "Ian", "Gary", "Darren", "Lee", "James", "Thomas",
        "Daniel", "Matthew", "Ryan", "Liam", "Jack", "Kevin", "Brian", "Keith", "Alan", "Colin", "Derek", "Graham", "Trevor", "Barry", "Geoffrey",
        "Roy", "Kenneth", "Dennis", "George", "Frank", "Stuart", "Neil", "Craig", "Philip", "Carl",
    ],
    family: &[
        "Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
        "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward", "Moore", "King",
        "Watson", "Baker", "Harrison", "Morgan", "Young", "Allen", "Mitchell", "Anderson", "Bell", "Parker", "Davies", "Shaw", "Holmes", "Atkinson",
        "Barker", "Dixon", "Marshall", "Kershaw", "Sutcliffe", "Ackroyd", "Pickles", "Brooke", "Fletcher", "Booth", "Hirst", "Haigh", "Greenwood",
        "Lockwood", "Firth", "Butterworth", "Whiteley",
    ],
};

pub const IRISH: NameList = NameList {
    female: &["Siobhan", "Mary", "Bridget", "Aoife", "Niamh", "Kathleen", "Maeve", "Sinead"],
    male: &["Sean", "Patrick", "Declan", "Ciaran", "Brendan", "Eamon", "Conor", "Michael"],
    family: &["Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "Walsh", "O'Sullivan", "Doyle", "McCarthy", "Gallagher", "Quinn", "Brennan"],
};

pub const EUROPEAN: NameList = NameList {
    female: &["Agnieszka", "Katarzyna", "Magdalena", "Ioana", "Elena", "Ana", "Giulia", "Jolanta", "Irena", "Marta", "Daniela", "Rasa"],
    male: &["Piotr", "Tomasz", "Krzysztof", "Andrei", "Mihai", "Jonas", "João", "Marco", "Pavel", "Lukas", "Dariusz", "Florin"],
    family: &["Nowak", "Kowalczyk", "Popescu", "Ionescu", "Kazlauskas", "Silva", "Santos", "Rossi", "Horvath", "Novak", "Zielinski", "Petrov", "Dumitru"],
};

pub const INDIAN: NameList = NameList {
    female: &["Priya", "Anjali", "Sunita", "Meera", "Kavita", "Pooja", "Harpreet", "Gurpreet", "Nisha", "Rekha", "Manjit"],
    male: &["Rajesh", "Sanjay", "Vikram", "Arjun", "Amit", "Ravi", "Jaswinder", "Harjit", "Suresh", "Dev", "Kuldip"],
    family: &["Patel", "Sharma", "Singh", "Gill", "Mistry", "Chauhan", "Joshi", "Sandhu", "Kumar", "Desai", "Bains", "Parmar"],
};

pub const PAKISTANI: NameList = NameList {
    female: &["Ayesha", "Fatima", "Nazia", "Samina", "Shazia", "Rukhsana", "Zainab", "Amina", "Saima", "Nasreen", "Hina"],
    male: &["Imran", "Tariq", "Asif", "Shahid", "Mohammed", "Bilal", "Usman", "Zahid", "Khalid", "Arshad", "Adnan"],
    family: &["Khan", "Hussain", "Ahmed", "Akhtar", "Iqbal", "Mahmood", "Butt", "Rashid", "Aslam", "Qureshi", "Riaz", "Ali"],
};

pub const BANGLADESHI: NameList = NameList {
    female: &["Nasima", "Rehana", "Shirin", "Taslima", "Farida", "Rokeya", "Sumaiya"],
    male: &["Abdul", "Shamim", "Mizanur", "Rahim", "Jamal", "Kamrul", "Shahed"],
    family: &["Miah", "Rahman", "Uddin", "Islam", "Ali", "Chowdhury", "Hoque", "Ahmed"],
};

pub const AFRICAN: NameList = NameList {
    female: &["Chiamaka", "Ngozi", "Adaeze", "Abena", "Ama", "Fadumo", "Hodan", "Grace", "Blessing", "Tendai", "Folake"],
    male: &["Oluwaseun", "Chinedu", "Emeka", "Kwame", "Kofi", "Abdi", "Mohamed", "Tinashe", "Samuel", "Yaw", "Babajide"],
    family: &["Okafor", "Adeyemi", "Okonkwo", "Mensah", "Asante", "Osei", "Abdi", "Warsame", "Moyo", "Nwosu", "Adebayo", "Boateng"],
};

pub const CARIBBEAN: NameList = NameList {
    female: &["Marcia", "Beverley", "Claudette", "Hyacinth", "Paulette", "Jasmine", "Shanice", "Janet", "Sharon"],
    male: &["Delroy", "Winston", "Errol", "Leroy", "Trevor", "Marcus", "Andre", "Clive", "Jermaine"],
    family: &["Campbell", "Brown", "Williams", "Thomas", "Francis", "Grant", "Henry", "Reid", "Johnson", "Bailey", "Clarke", "Lewis"],
};

pub const CHINESE: NameList = NameList {
    female: &["Mei", "Li Na", "Xiu Ying", "Hui", "Yan", "Wing"],
    male: &["Wei", "Jun", "Hao", "Ming", "Kwok", "Chi Keung"],
    family: &["Chen", "Wang", "Li", "Zhang", "Liu", "Wong", "Chan", "Lam"],
};

pub const OTHER_ASIAN: NameList = NameList {
    female: &["Nimali", "Maria", "Thi Lan", "Rosario", "Dilani", "Hoa"],
    male: &["Suresh", "Jose", "Minh", "Roshan", "Ramon", "Tuan"],
    family: &["Perera", "Fernando", "Santos", "Reyes", "Nguyen", "Tran", "Silva", "Cruz"],
};

pub const MIDDLE_EASTERN: NameList = NameList {
    female: &["Leila", "Maryam", "Nour", "Shirin", "Rania", "Hana"],
    male: &["Ali", "Omar", "Reza", "Karim", "Hassan", "Ahmad"],
    family: &["Hassan", "Rahimi", "Karimi", "Abdullah", "Saleh", "Haddad", "Mohammadi"],
};

/// The name list to draw from for an ethnic category code.
pub fn names_for(ethnicity: &str) -> &'static NameList {
    match ethnicity {
        "B" => &IRISH,
        "C" => &EUROPEAN,
        "H" => &INDIAN,
        "J" => &PAKISTANI,
        "K" => &BANGLADESHI,
        "N" | "P" => &AFRICAN,
        "M" => &CARIBBEAN,
        "R" => &CHINESE,
        "L" => &OTHER_ASIAN,
        "S" => &MIDDLE_EASTERN,
        _ => &BRITISH,
    }
}

/// Short notes a link worker might add to a contact.
pub const CONTACT_NOTES: &[&str] = &[
    "Talked through the plan; feeling a bit more positive.",
    "Phoned to check in. Had a difficult week but managed to get out twice.",
    "Looked at options together and agreed next steps.",
    "Reviewed goals: good progress.",
    "Not feeling great today; agreed to talk again next week.",
    "Helped fill in the form together.",
    "Person rang to say the first session went well.",
];
pub const ACCOMPANIED_NOTES: &[&str] = &[
    "Went along to the first session together and introduced them to the organiser.",
    "Met at the bus stop and went to the group together; they plan to go alone next week.",
    "Accompanied to the advice appointment.",
];
pub const ONWARD_NOTES: &[&str] = &[
    "Prefers mornings.",
    "Please phone rather than write; not confident reading letters.",
    "Hard of hearing: text messages are best.",
    "Would like someone to meet them at the door for the first visit.",
    "Can only attend after school pick-up.",
];
