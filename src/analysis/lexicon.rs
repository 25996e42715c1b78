//! Lexicons: reporting verbs (cues), titles and honorifics, pronouns,
//! first names, organisation and document nouns.
//!
//! The reporting-verb list follows the cue inventory of the PARC 3.0 and
//! PolNeAR annotation guidelines (Pareti 2016; Newell et al. 2018), checked
//! against the cues annotated in PolNeAR's train split; every verb is known
//! in all its forms (base, `-s`, past, past participle, `-ing`).

// Fixed tables looked up by word: a fast non-keyed hash is safe (the text
// cannot add entries) and halves the cost of a lookup.
use rustc_hash::FxHashMap as HashMap;

use std::borrow::Borrow;
use std::hash::Hash;

/// A table keyed by words, with a pre-filter on the outer bytes and the
/// length of the key: most words of a text are turned away by two table
/// loads, before any hashing (a news text asks about every word, and few
/// are in any list).
///
/// The pre-filter keeps only the low five bits of each byte, so for ASCII
/// it answers alike for a word and its lower-case form ([`Self::may_hold`]).
#[derive(Debug, Clone)]
struct Words<K, V> {
    map: HashMap<K, V>,
    /// Bit `min(len, 31)` of `outer[slots(key).0]` and of
    /// `inner[slots(key).1]` is set for every key of byte length `len`.
    outer: Box<[u32; 1024]>,
    inner: Box<[u32; 1024]>,
}

/// The pre-filter slots of a non-empty word: the low five bits of its
/// first and last byte, and of its second and last-but-one byte (the
/// middle byte for one-byte words).
#[inline]
fn slots(b: &[u8]) -> (usize, usize) {
    let pair = |x: u8, y: u8| ((x as usize & 31) << 5) | (y as usize & 31);
    let n = b.len();
    if n == 0 {
        return (0, 0);
    }
    // Without branches on the length: for one to three bytes the inner
    // pair repeats bytes (`[x]` → (x, x), `[x, w]` → (w, x), `[x, y, w]`
    // → (y, y)).
    (pair(b[0], b[n - 1]), pair(b[1.min(n - 1)], b[n.saturating_sub(2)]))
}

/// A word's pre-filter slots and length bit, computed once and asked of
/// several tables ([`Words::may_hold_shape`]).
#[derive(Clone, Copy)]
struct Shape {
    outer: usize,
    inner: usize,
    bit: u32,
}

impl Shape {
    #[inline]
    fn of(word: &str) -> Shape {
        let b = word.as_bytes();
        let (outer, inner) = slots(b);
        Shape { outer, inner, bit: 1 << b.len().min(31) }
    }
}

impl<K: Borrow<str> + Hash + Eq, V> Words<K, V> {
    fn new() -> Self {
        Words { map: HashMap::default(), outer: Box::new([0; 1024]), inner: Box::new([0; 1024]) }
    }

    /// Add `key` unless present (the first value wins).
    fn insert_first(&mut self, key: K, value: V) {
        let b = key.borrow().as_bytes();
        if !b.is_empty() {
            let (o, i) = slots(b);
            let bit = 1 << b.len().min(31);
            self.outer[o] |= bit;
            self.inner[i] |= bit;
        }
        self.map.entry(key).or_insert(value);
    }

    /// May `word` be a key? `false` is certain. For an ASCII word the
    /// answer is the same as for its ASCII lower-case or upper-case form.
    #[inline]
    fn may_hold(&self, word: &str) -> bool {
        // The empty key (possible from user options) skips the filter.
        word.is_empty() || self.may_hold_shape(Shape::of(word))
    }

    /// [`Self::may_hold`] for a non-empty word of shape `s`.
    #[inline]
    fn may_hold_shape(&self, s: Shape) -> bool {
        self.outer[s.outer] & s.bit != 0 && self.inner[s.inner] & s.bit != 0
    }

    #[inline]
    fn get(&self, word: &str) -> Option<&V> {
        if !self.may_hold(word) {
            return None;
        }
        self.map.get(word)
    }

    #[inline]
    fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

impl<K: Borrow<str> + Hash + Eq> FromIterator<K> for Words<K, ()> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut w = Words::new();
        for k in iter {
            w.insert_first(k, ());
        }
        w
    }
}

/// Reporting verbs as `(base, third-person -s, past, past participle, -ing)`.
/// Every form counts as a cue. 140 verbs.
pub const CUE_VERB_LEMMAS: &[(&str, &str, &str, &str, &str)] = &[
    ("say", "says", "said", "said", "saying"),
    ("tell", "tells", "told", "told", "telling"),
    ("write", "writes", "wrote", "written", "writing"),
    ("add", "adds", "added", "added", "adding"),
    ("note", "notes", "noted", "noted", "noting"),
    ("argue", "argues", "argued", "argued", "arguing"),
    ("continue", "continues", "continued", "continued", "continuing"),
    ("reply", "replies", "replied", "replied", "replying"),
    ("insist", "insists", "insisted", "insisted", "insisting"),
    ("warn", "warns", "warned", "warned", "warning"),
    ("tweet", "tweets", "tweeted", "tweeted", "tweeting"),
    ("post", "posts", "posted", "posted", "posting"),
    ("recall", "recalls", "recalled", "recalled", "recalling"),
    ("ask", "asks", "asked", "asked", "asking"),
    ("explain", "explains", "explained", "explained", "explaining"),
    ("state", "states", "stated", "stated", "stating"),
    ("respond", "responds", "responded", "responded", "responding"),
    ("declare", "declares", "declared", "declared", "declaring"),
    ("conclude", "concludes", "concluded", "concluded", "concluding"),
    ("promise", "promises", "promised", "promised", "promising"),
    ("pledge", "pledges", "pledged", "pledged", "pledging"),
    ("claim", "claims", "claimed", "claimed", "claiming"),
    ("admit", "admits", "admitted", "admitted", "admitting"),
    ("suggest", "suggests", "suggested", "suggested", "suggesting"),
    ("shout", "shouts", "shouted", "shouted", "shouting"),
    ("vow", "vows", "vowed", "vowed", "vowing"),
    ("announce", "announces", "announced", "announced", "announcing"),
    ("acknowledge", "acknowledges", "acknowledged", "acknowledged", "acknowledging"),
    ("remark", "remarks", "remarked", "remarked", "remarking"),
    ("assure", "assures", "assured", "assured", "assuring"),
    ("urge", "urges", "urged", "urged", "urging"),
    ("joke", "jokes", "joked", "joked", "joking"),
    ("answer", "answers", "answered", "answered", "answering"),
    ("yell", "yells", "yelled", "yelled", "yelling"),
    ("lament", "laments", "lamented", "lamented", "lamenting"),
    ("emphasize", "emphasizes", "emphasized", "emphasized", "emphasizing"),
    ("emphasise", "emphasises", "emphasised", "emphasised", "emphasising"),
    ("boast", "boasts", "boasted", "boasted", "boasting"),
    ("assert", "asserts", "asserted", "asserted", "asserting"),
    ("concede", "concedes", "conceded", "conceded", "conceding"),
    ("predict", "predicts", "predicted", "predicted", "predicting"),
    ("complain", "complains", "complained", "complained", "complaining"),
    ("quip", "quips", "quipped", "quipped", "quipping"),
    ("proclaim", "proclaims", "proclaimed", "proclaimed", "proclaiming"),
    ("interject", "interjects", "interjected", "interjected", "interjecting"),
    ("email", "emails", "emailed", "emailed", "emailing"),
    ("report", "reports", "reported", "reported", "reporting"),
    ("chant", "chants", "chanted", "chanted", "chanting"),
    ("scream", "screams", "screamed", "screamed", "screaming"),
    ("whisper", "whispers", "whispered", "whispered", "whispering"),
    ("mutter", "mutters", "muttered", "muttered", "muttering"),
    ("exclaim", "exclaims", "exclaimed", "exclaimed", "exclaiming"),
    ("observe", "observes", "observed", "observed", "observing"),
    ("comment", "comments", "commented", "commented", "commenting"),
    ("contend", "contends", "contended", "contended", "contending"),
    ("maintain", "maintains", "maintained", "maintained", "maintaining"),
    ("point", "points", "pointed", "pointed", "pointing"),
    ("charge", "charges", "charged", "charged", "charging"),
    ("counter", "counters", "countered", "countered", "countering"),
    ("retort", "retorts", "retorted", "retorted", "retorting"),
    ("snap", "snaps", "snapped", "snapped", "snapping"),
    ("quote", "quotes", "quoted", "quoted", "quoting"),
    ("cite", "cites", "cited", "cited", "citing"),
    ("describe", "describes", "described", "described", "describing"),
    ("call", "calls", "called", "called", "calling"),
    ("dub", "dubs", "dubbed", "dubbed", "dubbing"),
    ("label", "labels", "labeled", "labeled", "labeling"),
    ("brand", "brands", "branded", "branded", "branding"),
    ("mock", "mocks", "mocked", "mocked", "mocking"),
    ("blast", "blasts", "blasted", "blasted", "blasting"),
    ("slam", "slams", "slammed", "slammed", "slamming"),
    ("praise", "praises", "praised", "praised", "praising"),
    ("criticize", "criticizes", "criticized", "criticized", "criticizing"),
    ("criticise", "criticises", "criticised", "criticised", "criticising"),
    ("accuse", "accuses", "accused", "accused", "accusing"),
    ("blame", "blames", "blamed", "blamed", "blaming"),
    ("question", "questions", "questioned", "questioned", "questioning"),
    ("wonder", "wonders", "wondered", "wondered", "wondering"),
    ("demand", "demands", "demanded", "demanded", "demanding"),
    ("plead", "pleads", "pleaded", "pleaded", "pleading"),
    ("beg", "begs", "begged", "begged", "begging"),
    ("confirm", "confirms", "confirmed", "confirmed", "confirming"),
    ("deny", "denies", "denied", "denied", "denying"),
    ("reiterate", "reiterates", "reiterated", "reiterated", "reiterating"),
    ("repeat", "repeats", "repeated", "repeated", "repeating"),
    ("stress", "stresses", "stressed", "stressed", "stressing"),
    ("highlight", "highlights", "highlighted", "highlighted", "highlighting"),
    ("mention", "mentions", "mentioned", "mentioned", "mentioning"),
    ("reveal", "reveals", "revealed", "revealed", "revealing"),
    ("disclose", "discloses", "disclosed", "disclosed", "disclosing"),
    ("testify", "testifies", "testified", "testified", "testifying"),
    ("recount", "recounts", "recounted", "recounted", "recounting"),
    ("narrate", "narrates", "narrated", "narrated", "narrating"),
    ("announce", "announces", "announced", "announced", "announcing"),
    ("advise", "advises", "advised", "advised", "advising"),
    ("caution", "cautions", "cautioned", "cautioned", "cautioning"),
    ("concur", "concurs", "concurred", "concurred", "concurring"),
    ("agree", "agrees", "agreed", "agreed", "agreeing"),
    ("object", "objects", "objected", "objected", "objecting"),
    ("protest", "protests", "protested", "protested", "protesting"),
    ("lament", "laments", "lamented", "lamented", "lamenting"),
    ("sigh", "sighs", "sighed", "sighed", "sighing"),
    ("laugh", "laughs", "laughed", "laughed", "laughing"),
    ("cry", "cries", "cried", "cried", "crying"),
    ("bellow", "bellows", "bellowed", "bellowed", "bellowing"),
    ("thunder", "thunders", "thundered", "thundered", "thundering"),
    ("bark", "barks", "barked", "barked", "barking"),
    ("growl", "growls", "growled", "growled", "growling"),
    ("gush", "gushes", "gushed", "gushed", "gushing"),
    ("rave", "raves", "raved", "raved", "raving"),
    ("rant", "rants", "ranted", "ranted", "ranting"),
    ("scoff", "scoffs", "scoffed", "scoffed", "scoffing"),
    ("sneer", "sneers", "sneered", "sneered", "sneering"),
    ("tease", "teases", "teased", "teased", "teasing"),
    ("taunt", "taunts", "taunted", "taunted", "taunting"),
    ("chide", "chides", "chided", "chided", "chiding"),
    ("scold", "scolds", "scolded", "scolded", "scolding"),
    ("rebuke", "rebukes", "rebuked", "rebuked", "rebuking"),
    ("thank", "thanks", "thanked", "thanked", "thanking"),
    ("announce", "announces", "announced", "announced", "announcing"),
    ("speculate", "speculates", "speculated", "speculated", "speculating"),
    ("theorize", "theorizes", "theorized", "theorized", "theorizing"),
    ("allege", "alleges", "alleged", "alleged", "alleging"),
    ("conclude", "concludes", "concluded", "concluded", "concluding"),
    ("opine", "opines", "opined", "opined", "opining"),
    ("muse", "muses", "mused", "mused", "musing"),
    ("reflect", "reflects", "reflected", "reflected", "reflecting"),
    ("rule", "rules", "ruled", "ruled", "ruling"),
    ("read", "reads", "read", "read", "reading"),
    ("begin", "begins", "began", "begun", "beginning"),
    ("go", "goes", "went", "gone", "going"),
    ("put", "puts", "put", "put", "putting"),
    ("shoot", "shoots", "shot", "shot", "shooting"),
    ("speak", "speaks", "spoke", "spoken", "speaking"),
    ("swear", "swears", "swore", "sworn", "swearing"),
    ("tweet", "tweets", "tweeted", "tweeted", "tweeting"),
    ("retweet", "retweets", "retweeted", "retweeted", "retweeting"),
    ("blog", "blogs", "blogged", "blogged", "blogging"),
    ("publish", "publishes", "published", "published", "publishing"),
    ("headline", "headlines", "headlined", "headlined", "headlining"),
    ("title", "titles", "titled", "titled", "titling"),
    ("entitle", "entitles", "entitled", "entitled", "entitling"),
    ("sing", "sings", "sang", "sung", "singing"),
    ("echo", "echoes", "echoed", "echoed", "echoing"),
    ("inform", "informs", "informed", "informed", "informing"),
    ("relay", "relays", "relayed", "relayed", "relaying"),
    ("assail", "assails", "assailed", "assailed", "assailing"),
    ("decry", "decries", "decried", "decried", "decrying"),
    ("denounce", "denounces", "denounced", "denounced", "denouncing"),
    ("hail", "hails", "hailed", "hailed", "hailing"),
    ("refer", "refers", "referred", "referred", "referring"),
    ("condemn", "condemns", "condemned", "condemned", "condemning"),
    ("tout", "touts", "touted", "touted", "touting"),
    ("lambaste", "lambastes", "lambasted", "lambasted", "lambasting"),
    ("dismiss", "dismisses", "dismissed", "dismissed", "dismissing"),
    ("vent", "vents", "vented", "vented", "venting"),
    ("rail", "rails", "railed", "railed", "railing"),
    ("concede", "concedes", "conceded", "conceded", "conceding"),
    ("start", "starts", "started", "started", "starting"),
    ("reference", "references", "referenced", "referenced", "referencing"),
    ("beam", "beams", "beamed", "beamed", "beaming"),
    ("exult", "exults", "exulted", "exulted", "exulting"),
    ("marvel", "marvels", "marveled", "marveled", "marveling"),
    ("enthuse", "enthuses", "enthused", "enthused", "enthusing"),
    ("sniff", "sniffs", "sniffed", "sniffed", "sniffing"),
    ("grouse", "grouses", "groused", "groused", "grousing"),
    ("fume", "fumes", "fumed", "fumed", "fuming"),
    ("huff", "huffs", "huffed", "huffed", "huffing"),
];

/// Verbs that take the quotation *after* `to` or `as`, or that are weak cues
/// (`go`, `begin`, `put`, `shoot`, `read`, `rule`, `sing`, `agree`): they are
/// cues only right beside a quotation or with `on to say` / `back` /
/// `it` / `:`, never as the head of a far-off reported clause.
const WEAK_LEMMAS: &[&str] = &[
    "go", "begin", "start", "tout", "dismiss", "vent", "rail", "put", "shoot", "read", "rule", "sing", "agree", "point", "refer", "thank",
    "call", "describe", "dub", "label", "brand", "title", "entitle", "headline", "question",
    "praise", "hail", "object", "protest", "cry", "laugh", "sigh", "text", "post", "quote",
    "cite", "publish", "report", "inform", "relay", "reflect", "speak", "charge", "counter",
    "comment", "snap", "demand", "state", "mention", "echo", "promise", "maintain", "repeat",
    "note", "add", "continue", "answer",
];

/// Verbs after which an inverted source may follow (`“…,” said Dan O'Connor`).
const INVERTING_LEMMAS: &[&str] = &[
    "say", "add", "write", "continue", "ask", "explain", "note", "reply", "respond", "tweet",
    "declare", "insist", "warn", "argue", "recall", "conclude", "observe", "remark", "answer",
    "counter", "retort", "shout", "quip", "state", "read", "post", "claim", "exclaim", "joke",
    "tell", "report", "admit", "confirm", "yell", "cry", "begin", "interject", "comment",
];

/// Titles and honorifics that stand before a name. The name's mention starts
/// after the last of them; they become the entity's description.
pub const TITLES: &[&str] = &[
    "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Mx.", "Dr.", "Dr", "Prof.", "Professor",
    "Sir", "Dame", "Lord", "Lady", "Rev.", "Reverend", "Rabbi", "Imam", "Father", "Pastor",
    "Bishop", "Cardinal", "Pope", "King", "Queen", "Prince", "Princess", "Sheikh", "President",
    "President-elect", "Vice", "Prime", "Minister", "Premier", "Chancellor", "Secretary",
    "Ambassador", "Sen.", "Senator", "Rep.", "Representative", "Congressman", "Congresswoman",
    "Gov.", "Governor", "Lt.", "Gen.", "General", "Col.", "Colonel", "Maj.", "Major", "Capt.",
    "Captain", "Adm.", "Admiral", "Sgt.", "Sergeant", "Cpl.", "Pvt.", "Officer", "Detective",
    "Inspector", "Chief", "Commissioner", "Superintendent", "Sheriff", "Mayor", "Councillor",
    "Councilman", "Councilwoman", "Alderman", "Judge", "Justice", "Attorney", "Speaker",
    "Leader", "Director", "Chairman", "Chairwoman", "Chair", "Spokesman", "Spokeswoman",
    "Spokesperson", "CEO", "Founder", "Coach", "Candidate", "Nominee", "Leader", "Deputy",
    "Acting", "Former", "Treasurer", "Comptroller", "Delegate", "Assemblyman", "Assemblywoman",
    "Trooper", "Mufti", "Ayatollah", "Emir", "Sultan", "Chief Executive", "Dean", "Provost",
    "Principal", "Nurse", "Pres.", "Supt.", "Sec.", "Atty.", "Hon.", "Emperor", "Empress",
];

/// Honorifics proper (`Mr.`, `Ms`, …): a mention made with one is an
/// [`super::MentionKind::Honorific`] mention and fixes the gender.
const HONORIFICS_MALE: &[&str] = &["Mr.", "Mr", "Sir", "Lord", "King", "Prince", "Father", "Congressman", "Councilman", "Assemblyman", "Chairman", "Spokesman"];
const HONORIFICS_FEMALE: &[&str] = &["Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Dame", "Lady", "Queen", "Princess", "Congresswoman", "Councilwoman", "Assemblywoman", "Chairwoman", "Spokeswoman"];

/// Words that, as the last word of a capitalised run, make it an
/// organisation, publication or place rather than a person.
const ORG_HEADS: &[&str] = &[
    "Kremlin", "House", "Department", "Ministry", "Office", "Agency", "Administration",
    "Committee", "Commission", "Council", "Congress", "Senate", "Parliament", "Court", "Party",
    "Campaign", "Times", "Post", "Journal", "News", "Press", "Herald", "Tribune", "Guardian",
    "Telegraph", "Reuters", "Bloomberg", "Breitbart", "Politico", "Network", "Group", "Inc.",
    "Inc", "Corp.", "Corp", "Co.", "Company", "Ltd", "LLC", "Bank", "Fund", "Foundation",
    "Institute", "University", "College", "School", "Association", "Union", "Federation",
    "Organization", "Organisation", "Coalition", "Alliance", "Center", "Centre", "Board",
    "Service", "Bureau", "Police", "Army", "Navy", "Force", "Forces", "Government", "Club",
    "Church", "Magazine", "Review", "Daily", "Weekly", "Gazette", "Observer", "Examiner",
    "Wire", "Radio", "TV", "Television", "Channel", "Pentagon", "Fed", "Reserve", "FBI", "CIA",
    "NSA", "CNN", "MSNBC", "NBC", "ABC", "CBS", "Fox", "BBC", "AP", "AFP", "NPR", "PBS", "GOP",
    "DNC", "RNC", "NATO", "UN", "EU", "Obamacare", "Street", "City", "County", "State",
    "States", "Republic", "Kingdom", "Island", "Islands", "Mountains", "River", "America",
    "Russia", "China", "Syria", "Ukraine", "Europe", "Iran", "Iraq", "Israel", "Mexico",
    "Canada", "Germany", "France", "Britain", "England", "Japan", "Korea", "India", "Africa",
    "Washington", "York", "Moscow", "London", "Paris", "Beijing", "Twitter", "Facebook",
    "Google", "Apple", "Amazon", "Microsoft", "Institute", "Poll", "Survey", "Project",
    "Initiative", "Act", "Bill", "Law", "Program", "Plan", "Report", "Study", "Summit",
    "Convention", "Debate", "Caucus", "Primary", "Day", "Week", "Clinic", "Hospital",
];

/// Nouns for documents and utterances: `the Kremlin statement`, `his
/// tweet`. A nominal source headed by one of these is attributed to the
/// owner named before it when there is one (`the Kremlin statement` → the
/// Kremlin).
const DOCUMENT_NOUNS: &[&str] = &[
    "statement", "statements", "readout", "release", "report", "reports", "memo", "letter",
    "email", "e-mail", "tweet", "tweets", "post", "message", "note", "transcript", "website",
    "ad", "advertisement", "op-ed", "editorial", "article", "column", "story", "book", "speech",
    "filing", "lawsuit", "complaint", "poll", "survey", "study", "document", "documents",
    "video", "caption", "headline", "announcement", "account", "page", "blog", "site", "petition",
    "motion", "ruling", "order", "indictment", "affidavit",
];

/// Common nouns that make a nominal (non-name) source: organisations,
/// roles and anonymous sources (`a source`, `one council aide`).
const SOURCE_NOUNS: &[&str] = &[
    "source", "sources", "official", "officials", "aide", "aides", "spokesman", "spokeswoman",
    "spokesperson", "spokespeople", "company", "firm", "government", "administration",
    "campaign", "agency", "department", "ministry", "police", "army", "military", "group",
    "organization", "organisation", "committee", "council", "court", "judge", "president",
    "senator", "lawmaker", "lawmakers", "candidate", "nominee", "governor", "mayor", "minister",
    "leader", "leaders", "expert", "experts", "analyst", "analysts", "researcher", "researchers",
    "scientist", "scientists", "economist", "economists", "witness", "witnesses", "resident",
    "residents", "voter", "voters", "supporter", "supporters", "critic", "critics", "protester",
    "protesters", "activist", "activists", "worker", "workers", "operator", "owner", "manager",
    "director", "executive", "executives", "chairman", "member", "members", "staff", "staffer",
    "staffers", "adviser", "advisers", "advisor", "advisors", "strategist", "strategists",
    "lawyer", "lawyers", "attorney", "attorneys", "prosecutor", "prosecutors", "diplomat",
    "diplomats", "investigator", "investigators", "authorities", "union", "party", "people",
    "person", "man", "woman", "men", "women", "student", "students", "teacher", "teachers",
    "parent", "parents", "mother", "father", "son", "daughter", "wife", "husband", "friend",
    "friends", "neighbor", "neighbors", "colleague", "colleagues", "crowd", "audience",
    "reporter", "reporters", "journalist", "journalists", "host", "anchor", "commentator",
    "columnist", "author", "authors", "writer", "editor", "paper", "newspaper", "outlet",
    "network", "channel", "magazine", "website", "kremlin", "pentagon", "embassy", "office",
    "board", "bank", "university", "school", "hospital", "team", "coach", "player", "players",
    "fan", "fans", "observer", "observers", "insider", "insiders", "veteran", "veterans",
    "pollster", "pollsters", "surrogate", "surrogates", "delegate", "delegates", "representative",
    "representatives", "congressman", "congresswoman", "secretary", "ambassador", "chief",
    "officer", "officers", "doctor", "doctors", "nurse", "official", "founder", "ceo",
    "president-elect", "democrat", "democrats", "republican", "republicans", "conservative",
    "conservatives", "liberal", "liberals", "opponent", "opponents", "rival", "rivals",
    "challenger", "incumbent", "speaker", "moderator", "panelist", "panelists", "caller",
    "callers", "viewer", "viewers", "reader", "readers", "user", "users", "employee",
    "employees", "farmer", "farmers", "owner", "owners", "victim", "victims", "survivor",
    "survivors", "citizen", "citizens", "immigrant", "immigrants", "refugee", "refugees",
    "aide", "pastor", "priest", "bishop", "rabbi", "imam", "sheriff", "chancellor", "premier",
    "king", "queen", "prince", "general", "commander", "soldier", "soldiers", "agent", "agents",
    "governor-elect", "state", "city", "county", "country", "nation", "white", "house",
    "statement", "report", "study", "poll", "survey", "letter", "memo", "tweet", "email",
    "readout", "release", "website", "post", "ad", "video", "book", "article", "editorial",
    "op-ed", "column", "speech", "document", "message", "filing", "lawsuit", "complaint",
];

/// Personal pronouns that can be a source, with what they may refer to.
pub(crate) fn pronoun_class(lower: &str) -> Option<PronounClass> {
    Some(match lower {
        "he" | "him" | "his" => PronounClass::Male,
        "she" | "her" | "hers" => PronounClass::Female,
        "they" | "them" | "their" => PronounClass::Plural,
        "it" | "its" => PronounClass::Neuter,
        "i" | "we" | "me" | "us" => PronounClass::First,
        "who" | "which" => PronounClass::Relative,
        "you" => PronounClass::Second,
        _ => return None,
    })
}

/// What a pronoun may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PronounClass {
    Male,
    Female,
    Plural,
    Neuter,
    First,
    Second,
    Relative,
}

/// Gender of a person as far as the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Gender {
    Male,
    Female,
    Unknown,
}

/// Common first names (US Social Security top names and frequent names in
/// international news), to tell persons from places and to pick `he`/`she`.
const MALE_NAMES: &[&str] = &[
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven",
    "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald",
    "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan",
    "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory",
    "Alexander", "Frank", "Patrick", "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron",
    "Jose", "Adam", "Nathan", "Henry", "Douglas", "Zachary", "Peter", "Kyle", "Ethan",
    "Walter", "Noah", "Jeremy", "Christian", "Keith", "Roger", "Terry", "Gerald", "Harold",
    "Sean", "Austin", "Carl", "Arthur", "Lawrence", "Dylan", "Jesse", "Jordan", "Bryan",
    "Billy", "Joe", "Bruce", "Gabriel", "Logan", "Albert", "Willie", "Alan", "Juan", "Wayne",
    "Elijah", "Randy", "Roy", "Vincent", "Ralph", "Eugene", "Russell", "Bobby", "Mason",
    "Philip", "Louis", "Bill", "Bernie", "Ted", "Marco", "Jeb", "Mike", "Chris", "Ben",
    "Barack", "Vladimir", "Dmitry", "Sergei", "Boris", "Bashar", "Xi", "Kim", "Angela",
    "Newt", "Rudy", "Mitt", "Rand", "Reince", "Corey", "Kellyanne", "Steve", "Jim", "Tom",
    "Tim", "Jon", "Dan", "Dick", "Al", "Harry", "Chuck", "Nancy", "Lindsey", "Rick", "Ron",
    "Jeff", "Bob", "Ed", "Sam", "Nick", "Matt", "Pat", "Jimmy", "Lyndon", "Franklin",
    "Abraham", "Martin", "Luther", "Glenn", "Sean", "Rush", "Marc", "Van", "Hugh", "Ahmed",
    "Mohammed", "Muhammad", "Ali", "Omar", "Hassan", "Recep", "Emmanuel", "Justin", "Shinzo",
    "Narendra", "Benjamin", "Bibi", "Ehud", "Hosni", "Fidel", "Raul", "Hugo", "Nicolas",
    "Enrique", "Felipe", "Carlos", "Luis", "Miguel", "Pedro", "Antonio", "Francisco",
    "Jorge", "Javier", "Pablo", "Diego", "Alejandro", "Ivan", "Igor", "Oleg", "Viktor",
    "Petro", "Volodymyr", "Alexei", "Nikolai", "Pierre", "Jean", "Jacques", "Francois",
    "Hans", "Klaus", "Wolfgang", "Giuseppe", "Matteo", "Silvio", "Paolo", "Liam", "Oliver",
    "Harry", "Charlie", "Mitch", "Kevin", "Devin", "Adam", "Ken", "Reid", "Trey", "Jared",
    "Roger", "Rex", "Jeff", "Stephen", "Ivanka", "Eric", "Hunter", "Beau", "Joe", "Tim",
];

const FEMALE_NAMES: &[&str] = &[
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
    "Sarah", "Karen", "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly",
    "Emily", "Donna", "Michelle", "Dorothy", "Carol", "Amanda", "Melissa", "Deborah",
    "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy", "Shirley",
    "Angela", "Helen", "Anna", "Brenda", "Pamela", "Nicole", "Emma", "Samantha", "Katherine",
    "Christine", "Debra", "Rachel", "Catherine", "Carolyn", "Janet", "Ruth", "Maria",
    "Heather", "Diane", "Virginia", "Julie", "Joyce", "Victoria", "Olivia", "Kelly",
    "Christina", "Lauren", "Joan", "Evelyn", "Judith", "Megan", "Cheryl", "Andrea", "Hannah",
    "Martha", "Jacqueline", "Frances", "Gloria", "Ann", "Teresa", "Kathryn", "Sara", "Janice",
    "Jean", "Alice", "Madison", "Doris", "Abigail", "Julia", "Judy", "Grace", "Denise",
    "Amber", "Marilyn", "Beverly", "Danielle", "Theresa", "Sophia", "Marie", "Diana",
    "Brittany", "Natalie", "Isabella", "Charlotte", "Rose", "Alexis", "Kayla", "Hillary",
    "Chelsea", "Michelle", "Melania", "Ivanka", "Kellyanne", "Elizabeth", "Sarah", "Nikki",
    "Condoleezza", "Madeleine", "Theresa", "Angela", "Marine", "Sheryl", "Oprah", "Huma",
    "Donna", "Debbie", "Jill", "Tulsi", "Kamala", "Nancy", "Dianne", "Loretta", "Susan",
    "Samantha", "Valerie", "Hope", "Megyn", "Katy", "Mika", "Rachel", "Ann", "Carly",
    "Katrina", "Michele", "Ruth", "Sonia", "Elena", "Amy", "Jeanne", "Kristen",
    "Kirsten", "Tammy", "Claire", "Heidi", "Lisa", "Shelley", "Joni", "Mia", "Ayanna",
    "Alexandria", "Ilhan", "Rashida", "Stacey", "Greta", "Malala", "Yulia", "Svetlana",
    "Olga", "Natalia", "Irina", "Tatiana", "Anastasia", "Fatima", "Aisha", "Priya", "Mei",
    "Yuki", "Sofia", "Lucia", "Carmen", "Isabel", "Ana", "Gabriela", "Camila", "Valentina",
];

/// Words that start sentences or name days and months: never a name alone.
const NOT_NAMES: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "Of", "For", "To", "From", "By", "With", "And", "But",
    "Or", "Nor", "So", "Yet", "If", "When", "While", "After", "Before", "Since", "During",
    "As", "Although", "Though", "Because", "This", "That", "These", "Those", "It", "Its",
    "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "My", "Your", "Who",
    "What", "Where", "Why", "How", "Which", "There", "Here", "Then", "Now", "Today",
    "Yesterday", "Tomorrow", "Tonight", "Both", "All", "Some", "Many", "Most", "Several",
    "Each", "Every", "No", "Not", "Only", "Also", "Still", "Even", "Just", "Yes", "Meanwhile",
    "However", "Instead", "Indeed", "Still", "Asked", "According", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Mr", "Mrs", "Ms", "Dr", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight",
    "Nine", "Ten", "First", "Second", "Last", "Next", "Another", "Other", "Such", "Like",
    "Under", "Over", "About", "Against", "Between", "Into", "Through", "Without", "Within",
    "Despite", "Unlike", "Until", "Upon", "Among", "Toward", "Towards", "Via", "Per", "Do",
    "Does", "Did", "Is", "Are", "Was", "Were", "Be", "Been", "Has", "Have", "Had", "Will",
    "Would", "Could", "Should", "May", "Might", "Must", "Can", "Let", "Said", "Says", "Told",
    "Please", "Thank", "Thanks", "Oh", "Well", "Okay", "OK", "Ah", "Wow", "Hey", "Sorry",
    "Whether", "Once", "Later", "Earlier", "Already", "Again", "Perhaps", "Maybe", "Never",
    "Always", "Often", "Sometimes", "Nobody", "Everyone", "Everybody", "Someone", "Somebody",
    "Anyone", "Anybody", "Nothing", "Everything", "Something", "Anything", "Whatever",
    "Wherever", "Whoever", "Photo", "Image", "Getty", "Images", "Follow", "Join", "Read",
    "Watch", "Click", "See", "Update", "Updated", "Editor", "Note", "Breaking", "Related",
    "Advertisement", "Share", "Tweet", "Email", "Print", "Comment", "Comments", "More",
    "Hi", "Hello", "Goodbye", "Welcome", "Congratulations", "Cheers",
    "Outside", "Inside", "Beyond", "Behind", "Near", "Along", "Across", "Around", "Throughout",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Twenty", "Thirty", "Forty", "Fifty",
    "Hundreds", "Thousands", "Millions", "Dozens", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.",
    "Sept.", "Sep.", "Oct.", "Nov.", "Dec.", "Part", "Talk", "Even", "Speaking", "Asked",
    "Like", "Unlike", "Given", "Though", "Amid", "Following", "Ahead", "Hey", "Dear",
];

/// Adverbs and auxiliaries that may stand between a source and its cue
/// (`he also said`, `she has repeatedly argued`, `Trump would later tell`).
const BETWEEN_SOURCE_AND_CUE: &[&str] = &[
    "also", "later", "then", "previously", "recently", "once", "again", "further", "repeatedly",
    "has", "have", "had", "would", "will", "could", "might", "may", "did", "does", "do", "often",
    "frequently", "simply", "flatly", "now", "just", "already", "still", "even", "first",
    "famously", "publicly", "privately", "reportedly", "allegedly", "apparently", "quickly",
    "immediately", "angrily", "calmly", "quietly", "bluntly", "curtly", "tersely", "softly",
    "proudly", "sarcastically", "jokingly", "defiantly", "emphatically", "succinctly", "is",
    "was", "are", "were", "been", "being", "not", "never", "always", "subsequently", "finally",
    "eventually", "initially", "originally", "formerly", "long", "memorably", "pointedly",
    "herself", "himself", "themselves", "itself", "in", "turn", "shortly", "afterward",
    "afterwards", "too", "yet", "only", "who",
];

/// Forms of reporting verbs that are more often nouns (`the text`, `his
/// remarks`, `a report`): cues only right after a pronoun, a name, an
/// adverb or an auxiliary.
pub(crate) const NOUN_LIKE_FORMS: &[&str] = &[
    "text", "texts", "report", "reports", "comment", "comments", "question", "questions",
    "answer", "answers", "claim", "claims", "call", "calls", "quote", "quotes", "state",
    "states", "note", "notes", "post", "posts", "rule", "rules", "title", "titles", "charge",
    "charges", "counter", "counters", "promise", "promises", "demand", "demands", "tweet",
    "tweets", "remark", "remarks", "warning", "reading", "ruling", "posting", "heading",
    "protest", "protests", "object", "objects", "echo", "echoes", "label", "labels", "brand",
    "brands", "praise", "blast", "slam", "mock", "snap", "plead", "cry", "cries", "laugh",
    "laughs", "sigh", "thanks", "headline", "headlines", "order", "ad", "release", "statement",
    "email", "emails", "blog", "blogs", "publish", "read", "reads", "relay", "bark", "gush",
    "rave", "rant", "muse", "reflect", "reflects", "speculate", "hail", "refer", "texting",
    "retort", "retorts", "reply", "replies", "boast", "boasts", "vow", "vows", "pledge",
    "pledges", "complaint", "reference", "references", "start", "starts", "tout", "rail",
    "vent", "dismiss", "joke", "jokes", "quip", "quips", "shout", "shouts", "yell", "yells",
    "chant", "chants", "scream", "screams", "whisper", "whispers", "cite", "cites",
];

/// The built lexicon: fast lookups, plus user-supplied extras from
/// [`super::Options`].
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// lower-case verb form → what it is.
    cue_forms: Words<String, CueForm>,
    /// Extra multi-word cue phrases (lower-case, split on spaces).
    pub(crate) cue_phrases: Vec<Vec<String>>,
    titles: Words<String, ()>,
    org_heads: Words<&'static str, ()>,
    document_nouns: Words<&'static str, ()>,
    source_nouns: Words<&'static str, ()>,
    male: Words<&'static str, ()>,
    female: Words<&'static str, ()>,
    not_names: Words<&'static str, ()>,
    between: Words<&'static str, ()>,
    honor_male: Words<&'static str, ()>,
    honor_female: Words<&'static str, ()>,
    noun_like: Words<&'static str, ()>,
    /// The answers of [`Self::ascii_word`] for ASCII words of up to
    /// [`SHORT_MAX`] bytes: one or two probes of one table.
    short: ShortTable,
}

/// A reporting-verb form's answers, computed when the lexicon is built.
#[derive(Debug, Clone, Copy)]
struct CueForm {
    info: CueInfo,
    /// [`Lexicon::is_noun_like`].
    noun_like: bool,
}

/// What the lists say about one ASCII word ([`Lexicon::ascii_word`]):
/// flags in a `u16`, at the positions the paragraph's token facts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AsciiWord(pub u16);

impl AsciiWord {
    /// A title or honorific ([`Lexicon::is_title`]).
    pub const TITLE: u16 = 1 << 2;
    /// Its lower-case form is a reporting-verb form ([`Lexicon::cue`]),
    /// with the three [`CueInfo`] flags below.
    pub const CUE: u16 = 1 << 4;
    pub const WEAK: u16 = 1 << 5;
    pub const INVERTING: u16 = 1 << 6;
    pub const PARTICIPLE: u16 = 1 << 7;
    /// … a form more often used as a noun ([`Lexicon::is_noun_like`]).
    pub const NOUN_LIKE: u16 = 1 << 8;
    /// A known non-name ([`Lexicon::is_not_name`]); asked only of
    /// capitalised words, never set otherwise.
    pub const NOT_NAME: u16 = 1 << 9;

    /// The cue flags of a cue form.
    fn of_cue(f: CueForm) -> u16 {
        Self::CUE
            | (Self::WEAK * f.info.weak as u16)
            | (Self::INVERTING * f.info.inverting as u16)
            | (Self::PARTICIPLE * f.info.participle as u16)
            | (Self::NOUN_LIKE * f.noun_like as u16)
    }

    fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }
    pub fn cue(self) -> Option<CueInfo> {
        self.has(Self::CUE).then_some(CueInfo {
            weak: self.has(Self::WEAK),
            inverting: self.has(Self::INVERTING),
            participle: self.has(Self::PARTICIPLE),
        })
    }
    pub fn noun_like(self) -> bool {
        self.has(Self::NOUN_LIKE)
    }
    pub fn title(self) -> bool {
        self.has(Self::TITLE)
    }
    pub fn not_name(self) -> bool {
        self.has(Self::NOT_NAME)
    }
}

/// Longest word (in bytes) [`ShortTable`] holds.
const SHORT_MAX: usize = 16;

/// The bytes of a word of 1 to [`SHORT_MAX`] ASCII bytes as two numbers
/// that, with the length, tell it from any other word of that length:
/// the first and last 8 bytes (overlapping) from 8 bytes on, the first and
/// last 4 from 4 bytes on, else first, middle and last byte.
#[inline]
fn short_key(b: &[u8]) -> [u64; 2] {
    let n = b.len();
    let le8 = |s: &[u8]| s.try_into().map_or(0, u64::from_le_bytes);
    let le4 = |s: &[u8]| s.try_into().map_or(0, u32::from_le_bytes) as u64;
    if n >= 8 {
        [le8(&b[..8]), le8(&b[n - 8..])]
    } else if n >= 4 {
        [le4(&b[..4]), le4(&b[n - 4..])]
    } else {
        [b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16, 0]
    }
}

/// ASCII lower case of each byte of `x` (all bytes ASCII), eight at once.
#[inline]
fn lower8(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // High bit of each byte: at least `A`, more than `Z` (no carry
    // between bytes: each is below 0x80).
    let ge_a = x + ONES * (0x80 - b'A' as u64);
    let gt_z = x + ONES * (0x80 - b'Z' as u64 - 1);
    let upper = ge_a & !gt_z & (ONES * 0x80);
    x | upper >> 2
}

/// One entry of [`ShortTable`]: a word and what it is, as it is written
/// (`exact`: title, not-name) and as the lower-case form of a word
/// (`lower`: cue flags).
#[derive(Debug, Clone, Copy, Default)]
struct ShortEntry {
    key: [u64; 2],
    /// Byte length; 0 for an empty slot.
    len: u8,
    exact: u16,
    lower: u16,
}

/// Open addressing (linear probing, at most a quarter full) over
/// [`short_key`], for the titles, not-names and cue forms of 1 to
/// [`SHORT_MAX`] ASCII bytes.
#[derive(Debug, Clone)]
struct ShortTable {
    slots: Box<[ShortEntry]>,
}

impl ShortTable {
    fn new(keys: usize) -> Self {
        ShortTable { slots: vec![ShortEntry::default(); (keys * 4).next_power_of_two().max(64)].into_boxed_slice() }
    }

    #[inline]
    fn home(&self, key: [u64; 2], len: usize) -> usize {
        let h = (key[0] ^ key[1].rotate_left(29) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize & (self.slots.len() - 1)
    }

    /// Add the flags to the entry of `word` (ASCII, 1 to [`SHORT_MAX`]
    /// bytes; others are ignored: no word this table is asked about can
    /// equal them).
    fn add(&mut self, word: &str, exact: u16, lower: u16) {
        let b = word.as_bytes();
        if b.is_empty() || b.len() > SHORT_MAX || !word.is_ascii() {
            return;
        }
        let key = short_key(b);
        let mut i = self.home(key, b.len());
        loop {
            let e = &mut self.slots[i];
            if e.len == 0 {
                *e = ShortEntry { key, len: b.len() as u8, exact, lower };
                return;
            }
            if e.len as usize == b.len() && e.key == key {
                e.exact |= exact;
                e.lower |= lower;
                return;
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }

    #[inline]
    fn get(&self, key: [u64; 2], len: usize) -> Option<&ShortEntry> {
        let mut i = self.home(key, len);
        loop {
            let e = &self.slots[i];
            if e.len == 0 {
                return None;
            }
            if e.len as usize == len && e.key == key {
                return Some(e);
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }
}

/// Facts about one cue form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CueInfo {
    /// Weak cue (see `WEAK_LEMMAS`).
    pub weak: bool,
    /// May be followed by its source (`said Smith`).
    pub inverting: bool,
    /// An `-ing` participle (`…, saying “…”`): its source is the clause's
    /// subject.
    pub participle: bool,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new(&super::Options::default())
    }
}

impl Lexicon {
    /// Build the lexicon with the built-in lists plus `options`' extras.
    pub fn new(options: &super::Options) -> Self {
        let noun_like: Words<&'static str, ()> = NOUN_LIKE_FORMS.iter().copied().collect();
        // Each form's answers are computed here, once: the first lemma
        // listing a form gives its weak and inverting flags.
        let mut cue_forms: Words<String, CueForm> = Words::new();
        let form = |f: &str, weak: bool, inverting: bool| CueForm {
            info: CueInfo { weak, inverting, participle: f.ends_with("ing") && f != "sing" && f != "bring" },
            noun_like: noun_like.contains(f),
        };
        for &(base, s, past, pp, ing) in CUE_VERB_LEMMAS {
            let (weak, inverting) = (WEAK_LEMMAS.contains(&base), INVERTING_LEMMAS.contains(&base));
            for f in [base, s, past, pp, ing] {
                cue_forms.insert_first(f.to_string(), form(f, weak, inverting));
            }
        }
        let mut cue_phrases: Vec<Vec<String>> = Vec::new();
        for extra in &options.extra_cues {
            let words: Vec<String> =
                extra.split_whitespace().map(|w| w.to_lowercase()).collect();
            match words.len() {
                0 => {}
                1 => {
                    let f = form(&words[0], false, true);
                    cue_forms.insert_first(words[0].clone(), f);
                }
                _ => cue_phrases.push(words),
            }
        }
        let titles: Words<String, ()> = TITLES
            .iter()
            .map(|s| s.to_string())
            .chain(options.extra_titles.iter().map(|s| s.trim().to_string()))
            .collect();
        let not_names: Words<&'static str, ()> = NOT_NAMES.iter().copied().collect();
        let mut short = ShortTable::new(cue_forms.len() + titles.len() + not_names.len());
        for (f, &c) in &cue_forms.map {
            // A key with upper case can never be a lower-cased word.
            if !f.bytes().any(|b| b.is_ascii_uppercase()) {
                short.add(f, 0, AsciiWord::of_cue(c));
            }
        }
        for t in titles.map.keys() {
            short.add(t, AsciiWord::TITLE, 0);
        }
        for n in not_names.map.keys() {
            short.add(n, AsciiWord::NOT_NAME, 0);
        }
        Lexicon {
            cue_forms,
            cue_phrases,
            titles,
            org_heads: ORG_HEADS.iter().copied().collect(),
            document_nouns: DOCUMENT_NOUNS.iter().copied().collect(),
            source_nouns: SOURCE_NOUNS.iter().copied().collect(),
            male: MALE_NAMES.iter().copied().collect(),
            female: FEMALE_NAMES.iter().copied().collect(),
            not_names,
            between: BETWEEN_SOURCE_AND_CUE.iter().copied().collect(),
            honor_male: HONORIFICS_MALE.iter().copied().collect(),
            honor_female: HONORIFICS_FEMALE.iter().copied().collect(),
            noun_like,
            short,
        }
    }

    /// Is `lower` (a lower-cased word) a reporting-verb form?
    #[inline]
    pub(crate) fn cue(&self, lower: &str) -> Option<CueInfo> {
        if !self.cue_forms.may_hold(lower) {
            return None;
        }
        self.cue_found(lower)
    }

    /// What the lists say about the non-empty ASCII word `word`:
    /// [`Self::cue`] and [`Self::is_noun_like`] of its lower-case form,
    /// [`Self::is_title`], and, when `cap`, [`Self::is_not_name`]. `cap`
    /// must say whether the first byte is an ASCII upper-case letter.
    #[inline(always)]
    pub(crate) fn ascii_word(&self, word: &str, cap: bool) -> AsciiWord {
        debug_assert!(word.is_ascii() && !word.is_empty());
        let b = word.as_bytes();
        let n = b.len();
        if n > SHORT_MAX {
            return self.ascii_long(word, cap);
        }
        let key = short_key(b);
        let low = [lower8(key[0]), lower8(key[1])];
        let mut bits = 0;
        if let Some(e) = self.short.get(key, n) {
            bits = e.exact;
            if low == key {
                bits |= e.lower;
            }
        }
        if low != key {
            if let Some(e) = self.short.get(low, n) {
                bits |= e.lower;
            }
        }
        if !cap {
            bits &= !AsciiWord::NOT_NAME;
        }
        AsciiWord(bits)
    }

    /// [`Self::ascii_word`] for a word longer than [`SHORT_MAX`], by the
    /// word tables.
    #[inline(never)]
    fn ascii_long(&self, word: &str, cap: bool) -> AsciiWord {
        let shape = Shape::of(word);
        let title = self.titles.may_hold_shape(shape) && self.titles.map.contains_key(word);
        let not_name = cap && self.not_names.may_hold_shape(shape) && self.not_names.map.contains_key(word);
        let cue = if self.cue_forms.may_hold_shape(shape) { self.cue_lowered(word) } else { None };
        AsciiWord(
            (AsciiWord::TITLE * title as u16) | (AsciiWord::NOT_NAME * not_name as u16) | cue.map_or(0, AsciiWord::of_cue),
        )
    }

    /// Cue and noun-like tests of an ASCII word, lower-cased on the stack.
    #[inline(never)]
    fn cue_lowered(&self, word: &str) -> Option<CueForm> {
        let mut buf = [0u8; 24];
        let owned;
        let lower = match buf.get_mut(..word.len()) {
            // Most candidates are lower-case already.
            _ if !word.bytes().any(|b| b.is_ascii_uppercase()) => word,
            Some(low) => {
                low.copy_from_slice(word.as_bytes());
                low.make_ascii_lowercase();
                // ASCII in, ASCII out: always valid UTF-8.
                match std::str::from_utf8(low) {
                    Ok(l) => l,
                    Err(_) => return None,
                }
            }
            None => {
                owned = word.to_ascii_lowercase();
                &owned
            }
        };
        self.cue_forms.map.get(lower).copied()
    }

    #[inline(never)]
    fn cue_found(&self, lower: &str) -> Option<CueInfo> {
        self.cue_forms.map.get(lower).map(|f| f.info)
    }

    /// Is `lower` (a lower-cased cue form) one of [`NOUN_LIKE_FORMS`]?
    pub(crate) fn is_noun_like(&self, lower: &str) -> bool {
        self.noun_like.contains(lower)
    }

    /// Number of distinct reporting-verb forms known (for documentation and
    /// tests).
    pub fn cue_form_count(&self) -> usize {
        self.cue_forms.len()
    }

    #[inline]
    pub(crate) fn is_title(&self, word: &str) -> bool {
        self.titles.contains(word)
    }
    #[inline]
    pub(crate) fn is_org_head(&self, word: &str) -> bool {
        self.org_heads.contains(word)
    }
    #[inline]
    pub(crate) fn is_document_noun(&self, lower: &str) -> bool {
        self.document_nouns.contains(lower)
    }
    #[inline]
    pub(crate) fn is_source_noun(&self, lower: &str) -> bool {
        self.source_nouns.contains(lower)
    }
    pub(crate) fn first_name_gender(&self, word: &str) -> Option<Gender> {
        if self.male.contains(word) {
            Some(Gender::Male)
        } else if self.female.contains(word) {
            Some(Gender::Female)
        } else {
            None
        }
    }
    pub(crate) fn honorific_gender(&self, word: &str) -> Option<Gender> {
        if self.honor_male.contains(word) {
            Some(Gender::Male)
        } else if self.honor_female.contains(word) {
            Some(Gender::Female)
        } else {
            None
        }
    }
    #[inline]
    pub(crate) fn is_not_name(&self, word: &str) -> bool {
        self.not_names.contains(word)
    }
    #[inline]
    pub(crate) fn is_between(&self, lower: &str) -> bool {
        self.between.contains(lower) || (lower.len() > 4 && lower.ends_with("ly"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_a_hundred_reporting_verbs_in_all_tenses() {
        let lemmas: rustc_hash::FxHashSet<&str> = CUE_VERB_LEMMAS.iter().map(|l| l.0).collect();
        assert!(lemmas.len() >= 100, "{} lemmas", lemmas.len());
        let lex = Lexicon::default();
        for form in ["said", "says", "saying", "tweeted", "insists", "recalled", "wrote", "written", "replied", "warning"] {
            assert!(lex.cue(form).is_some(), "{form}");
        }
        assert!(lex.cue("table").is_none());
        for (w, cap) in [("Said", true), ("The", true), ("President", true), ("remarks", false), ("Mr.", true), ("a", false), ("I", true)] {
            let a = lex.ascii_word(w, cap);
            let l = w.to_ascii_lowercase();
            assert_eq!(a.cue(), lex.cue(&l), "{w}");
            assert_eq!(a.noun_like(), a.cue().is_some() && lex.is_noun_like(&l), "{w}");
            assert_eq!(a.title(), lex.is_title(w), "{w}");
            assert_eq!(a.not_name(), cap && lex.is_not_name(w), "{w}");
        }
        for w in ["Said", "SAYS", "tweeted", "Reiterating", "x", "Acknowledging", "Acknowledgingacknowledging"] {
            assert_eq!(lex.ascii_word(w, false).cue(), lex.cue(&w.to_ascii_lowercase()), "{w}");
        }
        assert!(lex.cue("saying").unwrap().participle);
        assert!(!lex.cue("said").unwrap().participle);
    }

    #[test]
    fn word_tables_filter_without_losing_keys() {
        let long = "x".repeat(70);
        let w: Words<String, ()> = ["", "Mr.", long.as_str(), "é"].iter().map(|s| s.to_string()).collect();
        for k in ["", "Mr.", long.as_str(), "é"] {
            assert!(w.contains(k), "{k:?}");
        }
        for k in ["Mr", "mr.", &"x".repeat(64), "e", "Ms.", "M."] {
            assert!(!w.contains(k), "{k:?}");
        }
        // The filter folds ASCII case.
        assert!(w.may_hold("mR."));
        let short: Words<&str, ()> = ["a", "of", "the"].into_iter().collect();
        assert!(short.contains("a") && short.contains("of") && short.contains("the"));
        assert!(!short.contains("fo") && !short.contains("b"));
        assert_eq!(w.len(), 4);
    }

    #[test]
    fn extra_cues_from_options() {
        let lex = Lexicon::new(&crate::analysis::Options {
            extra_cues: vec!["Opined".into(), "went on to say".into()],
            extra_titles: vec!["Councillor".into()],
        });
        assert!(lex.cue("opined").is_some());
        assert_eq!(lex.cue_phrases, vec![vec!["went".to_string(), "on".into(), "to".into(), "say".into()]]);
        assert!(lex.is_title("Councillor"));
    }
}
