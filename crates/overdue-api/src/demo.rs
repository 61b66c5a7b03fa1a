//! A deterministic synthetic book: debtors across several countries and currencies (names
//! with non-ASCII letters), three years of invoices, and payments with realistic lateness.
//!
//! The same `(debtors, invoices, seed, as_of)` always gives the same data, so benchmarks
//! and screenshots are repeatable. The generator is the one the first-start demo, the
//! `overdue demo` command and the benchmarks use.

use chrono::{Days, NaiveDate};
use overdue_domain::dunning::Channel;
use overdue_domain::{Address, Contact, Currency, DebtorDraft, DebtorKind};
use overdue_store::{DemoDebtor, DemoInvoice, DemoPayment};
use rust_decimal::Decimal;

use crate::dto::{DemoRequest, DemoSummary};
use crate::{Api, ApiError, DEMO_OFFERED};

/// splitmix64: tiny, fast, and stable across versions (a dependency's RNG could change its
/// stream in a minor release and silently change every benchmark).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One element of a slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct Country {
    code: &'static str,
    currency: &'static str,
    language: &'static str,
    cities: &'static [(&'static str, &'static str)],
    first: &'static [&'static str],
    last: &'static [&'static str],
    company_suffix: &'static [&'static str],
    streets: &'static [&'static str],
    phone: &'static str,
    tld: &'static str,
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "GB",
        currency: "GBP",
        language: "en",
        cities: &[
            ("London", "EC1A 1BB"),
            ("Manchester", "M1 1AE"),
            ("Leeds", "LS1 4AP"),
            ("Bristol", "BS1 4DJ"),
            ("Edinburgh", "EH1 1YZ"),
        ],
        first: &[
            "Oliver", "Amelia", "Harry", "Isla", "George", "Siobhán", "Niamh", "Rhys",
        ],
        last: &[
            "Smith", "Jones", "Taylor", "Brown", "O'Connor", "Williams", "Evans", "Davies",
        ],
        company_suffix: &["Ltd", "Limited", "LLP", "plc"],
        streets: &["High Street", "Station Road", "Church Lane", "Mill Road"],
        phone: "+44 20 7946",
        tld: "co.uk",
    },
    Country {
        code: "DE",
        currency: "EUR",
        language: "de",
        cities: &[
            ("München", "80331"),
            ("Köln", "50667"),
            ("Düsseldorf", "40213"),
            ("Berlin", "10115"),
            ("Nürnberg", "90402"),
        ],
        first: &[
            "Jürgen", "Käthe", "Lukas", "Sören", "Anna", "Björn", "Jörg", "Mia",
        ],
        last: &[
            "Müller",
            "Schröder",
            "Weiß",
            "Groß",
            "Bäcker",
            "Schmidt",
            "Hoffmann",
            "Krüger",
        ],
        company_suffix: &["GmbH", "AG", "GmbH & Co. KG", "e.K."],
        streets: &["Hauptstraße", "Schloßallee", "Bahnhofstraße", "Gartenweg"],
        phone: "+49 89 1234",
        tld: "de",
    },
    Country {
        code: "FR",
        currency: "EUR",
        language: "fr",
        cities: &[
            ("Paris", "75002"),
            ("Lyon", "69002"),
            ("Orléans", "45000"),
            ("Besançon", "25000"),
            ("Nîmes", "30000"),
        ],
        first: &[
            "Élodie",
            "François",
            "Hélène",
            "Jérôme",
            "Chloé",
            "Gaël",
            "Anaïs",
            "Loïc",
        ],
        last: &[
            "Lefèvre",
            "Garçon",
            "Dupré",
            "Bénard",
            "Rousseau",
            "Moreau",
            "Février",
            "Lemaître",
        ],
        company_suffix: &["SARL", "SAS", "SA", "EURL"],
        streets: &[
            "Rue de la Paix",
            "Avenue Général-Leclerc",
            "Boulevard Saint-Michel",
            "Rue Pasteur",
        ],
        phone: "+33 1 4020",
        tld: "fr",
    },
    Country {
        code: "PL",
        currency: "PLN",
        language: "pl",
        cities: &[
            ("Łódź", "90-001"),
            ("Kraków", "30-001"),
            ("Gdańsk", "80-001"),
            ("Wrocław", "50-001"),
            ("Poznań", "60-001"),
        ],
        first: &[
            "Łukasz",
            "Małgorzata",
            "Wojciech",
            "Agnieszka",
            "Paweł",
            "Zofia",
            "Grzegorz",
            "Jędrzej",
        ],
        last: &[
            "Łukasiewicz",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Zieliński",
            "Szymański",
            "Dąbrowski",
            "Kołodziej",
        ],
        company_suffix: &["Sp. z o.o.", "S.A.", "Sp.k."],
        streets: &[
            "ul. Piotrkowska",
            "ul. Długa",
            "ul. Świętojańska",
            "al. Jerozolimskie",
        ],
        phone: "+48 22 5555",
        tld: "pl",
    },
    Country {
        code: "CZ",
        currency: "CZK",
        language: "cs",
        cities: &[
            ("Praha", "110 00"),
            ("Brno", "602 00"),
            ("Ostrava", "702 00"),
            ("Plzeň", "301 00"),
            ("České Budějovice", "370 01"),
        ],
        first: &[
            "Jiří",
            "Petra",
            "Tomáš",
            "Kateřina",
            "Ondřej",
            "Zuzana",
            "Radek",
            "Jitka",
        ],
        last: &[
            "Dvořák",
            "Novák",
            "Černý",
            "Procházka",
            "Kučera",
            "Veselý",
            "Horák",
            "Němec",
        ],
        company_suffix: &["s.r.o.", "a.s.", "v.o.s."],
        streets: &["Náměstí Míru", "Vodičkova", "Husova", "Křižíkova"],
        phone: "+420 224 111",
        tld: "cz",
    },
    Country {
        code: "TR",
        currency: "TRY",
        language: "tr",
        cities: &[
            ("İstanbul", "34000"),
            ("Ankara", "06000"),
            ("İzmir", "35000"),
            ("Bursa", "16000"),
            ("Eskişehir", "26000"),
        ],
        first: &[
            "Şule", "Çağlar", "Gökhan", "Özlem", "İbrahim", "Ayşe", "Barış", "Güneş",
        ],
        last: &[
            "Şahin", "Yılmaz", "Öztürk", "Çelik", "Doğan", "Kılıç", "Aydın", "Güler",
        ],
        company_suffix: &["A.Ş.", "Ltd. Şti."],
        streets: &[
            "İstiklal Caddesi",
            "Atatürk Bulvarı",
            "Cumhuriyet Sokak",
            "Gül Sokak",
        ],
        phone: "+90 212 555",
        tld: "com.tr",
    },
    Country {
        code: "NO",
        currency: "NOK",
        language: "nb",
        cities: &[
            ("Oslo", "0150"),
            ("Bergen", "5003"),
            ("Tromsø", "9008"),
            ("Bodø", "8006"),
            ("Ålesund", "6002"),
        ],
        first: &[
            "Øystein",
            "Åse",
            "Bjørn",
            "Solveig",
            "Håkon",
            "Ingrid",
            "Ødegaard",
            "Torbjørn",
        ],
        last: &[
            "Øster",
            "Ødegård",
            "Håland",
            "Bråten",
            "Sæther",
            "Næss",
            "Løken",
            "Aasen",
        ],
        company_suffix: &["AS", "ASA", "ANS"],
        streets: &["Storgata", "Kirkegata", "Bryggen", "Løkkeveien"],
        phone: "+47 22 33",
        tld: "no",
    },
    Country {
        code: "DK",
        currency: "DKK",
        language: "da",
        cities: &[
            ("København", "1050"),
            ("Århus", "8000"),
            ("Odense", "5000"),
            ("Aalborg", "9000"),
            ("Køge", "4600"),
        ],
        first: &[
            "Søren", "Mette", "Jørgen", "Birgitte", "Anders", "Sørine", "Frederik", "Lærke",
        ],
        last: &[
            "Jørgensen",
            "Sørensen",
            "Møller",
            "Kjær",
            "Thomsen",
            "Lægaard",
            "Nørgaard",
            "Holm",
        ],
        company_suffix: &["ApS", "A/S", "I/S"],
        streets: &["Strøget", "Nørregade", "Østergade", "Vesterbrogade"],
        phone: "+45 33 12",
        tld: "dk",
    },
    Country {
        code: "US",
        currency: "USD",
        language: "en",
        cities: &[
            ("Sacramento", "95814"),
            ("New York", "10001"),
            ("Austin", "78701"),
            ("Chicago", "60601"),
            ("San José", "95113"),
        ],
        first: &[
            "James", "Mary", "José", "Linda", "Michael", "Zoë", "Renée", "DeShawn",
        ],
        last: &[
            "Johnson",
            "García",
            "Miller",
            "Rodríguez",
            "Martínez",
            "Anderson",
            "Nguyễn",
            "Clark",
        ],
        company_suffix: &["Inc.", "LLC", "Corp.", "Co."],
        streets: &["Main Street", "Oak Avenue", "Maple Drive", "Broadway"],
        phone: "+1 916 555",
        tld: "com",
    },
    Country {
        code: "IE",
        currency: "EUR",
        language: "en",
        cities: &[
            ("Dublin", "D02 X285"),
            ("Cork", "T12 RW26"),
            ("Galway", "H91 E2K3"),
            ("Limerick", "V94 T9PX"),
            ("Dún Laoghaire", "A96 K6C9"),
        ],
        first: &[
            "Seán", "Aoife", "Pádraig", "Siobhán", "Ciarán", "Éabha", "Dónal", "Gráinne",
        ],
        last: &[
            "Ó Briain",
            "Murphy",
            "Kelly",
            "Ó Súilleabháin",
            "Walsh",
            "Byrne",
            "Mac Cárthaigh",
            "Ryan",
        ],
        company_suffix: &["Ltd", "DAC", "Teoranta"],
        streets: &[
            "Grafton Street",
            "Sráid na Siopaí",
            "Quay Street",
            "Patrick Street",
        ],
        phone: "+353 1 555",
        tld: "ie",
    },
];

const TRADES: &[&str] = &[
    "Bau",
    "Logistik",
    "Design",
    "Metall",
    "Print",
    "Foods",
    "Textil",
    "Software",
    "Holz",
    "Elektro",
    "Glas",
    "Consulting",
    "Trans",
    "Medical",
    "Garten",
    "Auto",
    "Optik",
    "Marine",
];

const MANAGERS: &[&str] = &["Anna Becker", "Tom Hughes", "Zofia Nowak", ""];

/// How a debtor pays: most pay a little late, some early, a few very late or not at all.
#[derive(Clone, Copy)]
struct Behaviour {
    /// Mean days beyond terms.
    mean_late: i64,
    /// Percent of invoices never paid.
    unpaid_pct: u64,
    /// Percent of invoices paid in part.
    partial_pct: u64,
}

const BEHAVIOURS: &[Behaviour] = &[
    Behaviour {
        mean_late: -3,
        unpaid_pct: 0,
        partial_pct: 1,
    },
    Behaviour {
        mean_late: 2,
        unpaid_pct: 1,
        partial_pct: 3,
    },
    Behaviour {
        mean_late: 8,
        unpaid_pct: 2,
        partial_pct: 5,
    },
    Behaviour {
        mean_late: 20,
        unpaid_pct: 5,
        partial_pct: 8,
    },
    Behaviour {
        mean_late: 45,
        unpaid_pct: 15,
        partial_pct: 12,
    },
];

/// A generated book, ready for [`overdue_store::Store::insert_dataset`].
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Debtors.
    pub debtors: Vec<DemoDebtor>,
    /// Invoices.
    pub invoices: Vec<DemoInvoice>,
    /// Payments with their allocations.
    pub payments: Vec<DemoPayment>,
}

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let base = match c {
                'ą' | 'á' | 'à' | 'â' | 'ä' | 'å' | 'æ' | 'Å' | 'Á' | 'Ä' => 'a',
                'ć' | 'č' | 'ç' | 'Č' | 'Ç' => 'c',
                'ď' => 'd',
                'ę' | 'é' | 'è' | 'ê' | 'ë' | 'ě' | 'É' => 'e',
                'ğ' | 'Ğ' => 'g',
                'í' | 'ì' | 'î' | 'ï' | 'ı' | 'İ' => 'i',
                'ł' | 'Ł' => 'l',
                'ń' | 'ň' | 'ñ' => 'n',
                'ó' | 'ò' | 'ô' | 'ö' | 'ø' | 'Ø' | 'Ö' | 'Ó' | 'ő' | 'ễ' => 'o',
                'ř' | 'Ř' => 'r',
                'ś' | 'š' | 'ş' | 'ß' | 'Ś' | 'Š' | 'Ş' => 's',
                'ť' => 't',
                'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'Ü' => 'u',
                'ý' => 'y',
                'ź' | 'ż' | 'ž' | 'Ż' | 'Ž' => 'z',
                c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(base)
        })
        .collect()
}

/// Generates a book of `req.debtors` debtors and `req.invoices` invoices spread over the
/// three years before `as_of`.
pub fn generate(req: &DemoRequest, as_of: NaiveDate) -> Dataset {
    let mut rng = Rng::new(req.seed);
    let n_debtors = req.debtors as usize;
    let mut out = Dataset::default();
    let mut behaviours = Vec::with_capacity(n_debtors);
    for k in 0..n_debtors {
        let country = rng.pick(COUNTRIES);
        let (city, postal) = *rng.pick(country.cities);
        let first = *rng.pick(country.first);
        let last = *rng.pick(country.last);
        let kind = match rng.below(10) {
            0..=6 => DebtorKind::Company,
            7..=8 => DebtorKind::SoleTrader,
            _ => DebtorKind::Individual,
        };
        let name = match kind {
            DebtorKind::Company => format!(
                "{} {} {}",
                last,
                rng.pick(TRADES),
                rng.pick(country.company_suffix)
            ),
            DebtorKind::SoleTrader => format!("{first} {last} {}", rng.pick(TRADES)),
            DebtorKind::Individual => format!("{first} {last}"),
        };
        let domain = format!("{}.{}", ascii_slug(last), country.tld);
        let email = format!(
            "{}.{}{}@{domain}",
            ascii_slug(first),
            ascii_slug(last),
            k % 97
        );
        let currency = Currency::from_code(country.currency).expect("table currencies are known");
        let terms = *rng.pick(&[14u32, 30, 30, 30, 45, 60]);
        let limit = Decimal::from(*rng.pick(&[5_000i64, 10_000, 20_000, 50_000, 100_000]));
        let mut contacts = vec![Contact {
            name: format!("{first} {last}"),
            role: if kind == DebtorKind::Company {
                "Accounts payable".into()
            } else {
                String::new()
            },
            email,
            phone: format!("{} {:04}", country.phone, rng.below(10_000)),
        }];
        if kind == DebtorKind::Company && rng.chance(30) {
            let f2 = *rng.pick(country.first);
            contacts.push(Contact {
                name: format!("{f2} {}", rng.pick(country.last)),
                role: "Managing director".into(),
                email: format!("{}@{domain}", ascii_slug(f2)),
                phone: String::new(),
            });
        }
        out.debtors.push(DemoDebtor {
            draft: DebtorDraft {
                kind,
                name,
                external_ref: format!("D{:02}-{:06}", req.seed % 100, k + 1),
                contacts,
                address: Address {
                    lines: format!("{} {}", rng.pick(country.streets), 1 + rng.below(180)),
                    postal_code: postal.into(),
                    city: city.into(),
                    country: country.code.into(),
                },
                language: country.language.into(),
                currency,
                payment_terms_days: terms,
                credit_limit: Some(limit),
                tags: if rng.chance(10) {
                    vec!["key account".into()]
                } else {
                    Vec::new()
                },
                notes: String::new(),
            },
            account_manager: (*rng.pick(MANAGERS)).to_string(),
        });
        behaviours.push(*rng.pick(BEHAVIOURS));
    }
    if n_debtors == 0 {
        return out;
    }
    let span_days = 3 * 365u64;
    let start = as_of - Days::new(span_days);
    for n in 0..req.invoices as usize {
        // Some debtors buy much more than others: square the uniform draw toward low ids.
        let r = rng.below(1 << 20);
        let debtor = ((((r * r) >> 20) as usize) * n_debtors) >> 20;
        let debtor = debtor.min(n_debtors - 1);
        let d = &out.debtors[debtor].draft;
        let issue = start + Days::new(rng.below(span_days + 1));
        let due = issue + Days::new(u64::from(d.payment_terms_days));
        // Amounts from 50 to about 25,000, most in the hundreds.
        let units = 50 + rng.below(400) * rng.below(60) + rng.below(100);
        let amount_minor = (units as i64) * 100 + rng.below(100) as i64;
        let tax_minor = amount_minor * 19 / 119;
        out.invoices.push(DemoInvoice {
            debtor,
            number: format!("INV-{:02}-{:07}", req.seed % 100, n + 1),
            issue_date: issue,
            due_date: due,
            amount_minor,
            tax_minor,
            description: format!("{} services", rng.pick(TRADES)),
        });
        let b = behaviours[debtor];
        if rng.chance(b.unpaid_pct) {
            continue;
        }
        let late = b.mean_late + rng.below(31) as i64 - 15;
        let paid_on = due + chrono::Duration::days(late.max(-(i64::from(d.payment_terms_days))));
        if paid_on > as_of {
            continue; // not paid yet: open item
        }
        let partial = rng.chance(b.partial_pct);
        let paid = if partial {
            amount_minor / 2
        } else {
            amount_minor
        };
        out.payments.push(DemoPayment {
            debtor,
            paid_on,
            amount_minor: paid,
            method: (*rng.pick(&["bank transfer", "bank transfer", "card", "direct debit"])).into(),
            reference: out.invoices[n].number.clone(),
            allocations: vec![(n, paid)],
        });
    }
    out
}

impl Api {
    /// Generates and loads a synthetic book, all in one transaction.
    pub async fn demo_load(&self, req: DemoRequest) -> Result<DemoSummary, ApiError> {
        if req.debtors == 0 && req.invoices > 0 {
            return Err(ApiError::invalid("Invoices need at least one debtor."));
        }
        if req.debtors > 1_000_000 || req.invoices > 20_000_000 {
            return Err(ApiError::invalid(
                "At most 1,000,000 debtors and 20,000,000 invoices.",
            ));
        }
        let as_of = self.clock().today();
        let as_used = req.as_used;
        let data = tokio::task::spawn_blocking(move || generate(&req, as_of))
            .await
            .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string()))?;
        let store = self.store().await;
        store
            .insert_dataset(
                &data.debtors,
                &data.invoices,
                &data.payments,
                self.clock().now(),
            )
            .await?;
        store.refresh_statistics().await?;
        // What makes the demo show the product as it is used: a letterhead (so letters and
        // statements can be made) and the reminders of the past months.
        let letterhead = as_used && self.letterhead_get().await?.name.trim().is_empty();
        if letterhead {
            self.letterhead_save(demo_letterhead(), true).await?;
        }
        let reminders = if as_used && data.debtors.len() <= HISTORY_UP_TO {
            self.demo_history(as_of).await?
        } else {
            0
        };
        store.set_setting(DEMO_OFFERED, "\"loaded\"").await?;
        // Scores and credit alerts for the new book, so the risk column is filled at once.
        self.credit_refresh(None).await?;
        Ok(DemoSummary {
            debtors: data.debtors.len() as u32,
            invoices: data.invoices.len() as u32,
            payments: data.payments.len() as u32,
            reminders,
            letterhead,
        })
    }

    /// The dunning history of the demo book: the default policy run every day until
    /// [`HISTORY_PAUSE_DAYS`] before today over the invoices open now (each from its issue
    /// date), recorded as sent with its event on each debtor's contact log. Today's run
    /// then finds the steps of the last few days due, across the ladder, instead of every
    /// overdue debtor jumping to the top. Returns the steps recorded.
    async fn demo_history(&self, as_of: NaiveDate) -> Result<u32, ApiError> {
        use overdue_domain::dunning::{decide, DebtorCase, Decision, PastAction};
        use std::collections::{BTreeMap, HashMap};
        let store = self.store().await;
        let policies = store.dunning_policies().await?;
        let Some(policy) = policies.iter().find(|p| p.is_default).or(policies.first()) else {
            return Ok(0);
        };
        let debtors = store.dunning_debtors("", None).await?;
        let mut open: HashMap<i64, Vec<overdue_store::OpenBalance>> = HashMap::new();
        for b in store.open_balances(as_of, None).await? {
            open.entry(b.debtor_id).or_default().push(b);
        }
        let last_day = as_of - Days::new(HISTORY_PAUSE_DAYS);
        let first_trigger = policy
            .policy
            .levels
            .iter()
            .map(|l| l.trigger_days)
            .min()
            .unwrap_or(0);
        let mut steps = Vec::new();
        for d in &debtors {
            let Some(items) = open.get(&d.id) else {
                continue;
            };
            let currency = Currency::from_code(&d.currency)?;
            let items: Vec<&overdue_store::OpenBalance> = items
                .iter()
                .filter(|b| b.open.currency() == currency)
                .collect();
            let Some(start) = items
                .iter()
                .map(|b| b.due_date + chrono::Duration::days(i64::from(first_trigger)))
                .min()
            else {
                continue;
            };
            let mut case = DebtorCase {
                debtor_id: d.id,
                consumer: d.consumer(),
                currency,
                invoices: Vec::new(),
                history: Vec::new(),
                pauses: Vec::new(),
                paused_invoices: BTreeMap::new(),
            };
            let mut day = start.max(as_of - Days::new(730));
            while day <= last_day {
                case.invoices = items
                    .iter()
                    .filter(|b| b.issue_date <= day)
                    .map(|b| crate::dunning::open_invoice(b))
                    .collect();
                if let Decision::Act(a) = decide(&policy.policy, &case, day)? {
                    case.history.push(PastAction {
                        level: a.level.number,
                        cycle: a.cycle,
                        on: day,
                        invoice_ids: a.invoices.iter().map(|i| i.invoice_id).collect(),
                    });
                    steps.push((policy.id, day, a));
                }
                day = day + Days::new(1);
            }
        }
        let now = self.clock().now();
        let records: Vec<_> = steps
            .into_iter()
            .map(|(policy_id, day, a)| {
                let at = day.and_hms_opt(9, 0, 0).map_or(now, |t| t.and_utc());
                let how = match a.level.channel {
                    Channel::Email => "emailed",
                    Channel::Letter => "printed and posted",
                    Channel::Call => "call made",
                    Channel::Fee => "late fee and interest claimed",
                    Channel::Agency => "handed over to the agency",
                    Channel::Legal => "legal review done",
                };
                let numbers: Vec<&str> = a.invoices.iter().map(|i| i.number.as_str()).collect();
                let event = overdue_store::NewEvent {
                    debtor_id: a.debtor_id,
                    occurred_at: at,
                    kind: crate::dunning::event_kind(a.level.channel).into(),
                    author: "demo".into(),
                    summary: format!(
                        "{} (level {}) {how}: {} (demo history)",
                        a.level.name,
                        a.level.number,
                        numbers.join(", ")
                    ),
                    ..Default::default()
                };
                let action = overdue_store::dunning::NewAction {
                    debtor_id: a.debtor_id,
                    policy_id,
                    level: a.level.number,
                    level_name: a.level.name.clone(),
                    channel: a.level.channel,
                    cycle: a.cycle,
                    as_of: day,
                    amount: a.amount,
                    deadline: a.deadline,
                    invoices: a.invoices.iter().map(|i| (i.invoice_id, i.open)).collect(),
                };
                (action, at, event)
            })
            .collect();
        store
            .record_past_dunning(&records, "demo history", now)
            .await?;
        Ok(records.len() as u32)
    }
}

/// Demo books up to this many debtors get a dunning history (the simulation runs the
/// policy day by day for each debtor; the benchmark's million-invoice book does without).
const HISTORY_UP_TO: usize = 5_000;

/// The demo's daily run last ran this many days before today (two weeks away: today's run
/// then has a few steps across the ladder, none of them a catch-up).
const HISTORY_PAUSE_DAYS: u64 = 14;

/// The demo company's letterhead: clearly a demo (a reserved domain, the IBAN of the
/// standard's own example), replaced in Settings > Letterhead.
fn demo_letterhead() -> crate::documents::LetterheadDto {
    crate::documents::LetterheadDto {
        name: "Overdue Demo GmbH".into(),
        address_lines: "Musterstraße 1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        phone: "+49 30 1234567".into(),
        email: "billing@demo.example".into(),
        website: "demo.example".into(),
        bank_name: "Demo Bank".into(),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        bic: "COBADEFFXXX".into(),
        signatory: "Credit Control (demo)".into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_book() {
        let req = DemoRequest {
            debtors: 50,
            invoices: 500,
            seed: 7,
            as_used: false,
        };
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let a = generate(&req, d);
        let b = generate(&req, d);
        assert_eq!(a.debtors.len(), 50);
        assert_eq!(a.invoices.len(), 500);
        let names = |x: &Dataset| {
            x.debtors
                .iter()
                .map(|d| d.draft.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&a),
            names(&b),
            "benchmarks and screenshots rely on repeatable data"
        );
        assert!(
            a.debtors.iter().any(|d| !d.draft.name.is_ascii()),
            "demo names must exercise non-ASCII letters"
        );
        for d in &a.debtors {
            assert_eq!(
                d.draft.validate(),
                vec![],
                "generated debtor {} must be valid",
                d.draft.name
            );
        }
        for p in &a.payments {
            let (inv, amt) = p.allocations[0];
            assert!(
                amt <= a.invoices[inv].amount_minor,
                "never allocate more than the invoice"
            );
            assert!(p.paid_on <= d, "no payment from the future");
        }
    }
}
