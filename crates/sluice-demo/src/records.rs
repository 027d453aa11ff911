//! Deterministic demo records, written straight into the response body.
//!
//! Every value is a pure function of (seed, resource, record index), so a page can be produced
//! without storing anything and two servers with the same seed serve the same bytes. Records are
//! written as JSON text by hand rather than through `serde_json::Value` because this is the hot
//! path of the benchmark server; all strings come from fixed vocabularies that need no escaping.

/// 2024-01-01T00:00:00Z, the first timestamp any record carries.
pub(crate) const BASE_TIME: u64 = 1_704_067_200;
const DAY: u64 = 86_400;
/// Fixed counts of the small customer-support resources.
pub(crate) const BRANDS: u64 = 5;
pub(crate) const GROUPS: u64 = 12;

/// A splitmix64 step: cheap, stateless and well mixed, so record `i` never depends on record
/// `i - 1` and any page can be generated on its own.
pub(crate) fn mix(seed: u64, salt: u64, index: u64) -> u64 {
    let mut z =
        seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[(h % list.len() as u64) as usize]
}

/// Writes `secs` since the Unix epoch as `"YYYY-MM-DDTHH:MM:SSZ"` (with the quotes).
pub(crate) fn write_iso(out: &mut String, secs: u64) {
    let (y, m, d) = civil_from_days((secs / DAY) as i64);
    let rem = secs % DAY;
    w!(
        out,
        "\"{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z\"",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
}

/// Formats a timestamp the way records carry it, for tests and for building query values.
pub fn iso_timestamp(secs: u64) -> String {
    let mut out = String::with_capacity(22);
    write_iso(&mut out, secs);
    out.trim_matches('"').to_string()
}

/// Parses the `YYYY-MM-DDTHH:MM:SS` prefix of an ISO 8601 timestamp (a trailing `Z`, fraction or
/// `+00:00` is accepted and ignored: the demo lives in UTC).
pub(crate) fn parse_iso(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let num =
        |range: std::ops::Range<usize>| -> Option<u64> { text.get(range)?.parse::<u64>().ok() };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[4] != b'-' || b[7] != b'-' || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (hh, mm, ss) = if b.len() >= 19 && (b[10] == b'T' || b[10] == b' ') {
        (num(11..13)?, num(14..16)?, num(17..19)?)
    } else if b.len() == 10 {
        (0, 0, 0)
    } else {
        return None;
    };
    let days = days_from_civil(y as i64, m as u32, d as u32);
    u64::try_from(days)
        .ok()
        .map(|days| days * DAY + hh * 3600 + mm * 60 + ss)
}

// Howard Hinnant's civil calendar algorithms, valid far beyond any date the demo produces.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Writes `cents / 100` as a JSON number with two decimals.
fn write_money(out: &mut String, cents: u64) {
    w!(out, "{}.{:02}", cents / 100, cents % 100);
}

const FIRST_NAMES: &[&str] = &[
    "Ana", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Inês", "Jonas", "Kemi",
    "Liam", "Maya", "Noor", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Zoë",
];
const LAST_NAMES: &[&str] = &[
    "Silva", "Okafor", "Müller", "Tanaka", "O'Brien", "Nowak", "García", "Haddad", "Larsen",
    "Rossi", "Chen", "Dubois",
];
const EVENT_TYPES: &[&str] = &[
    "email_open",
    "email_click",
    "page_visit",
    "form_submit",
    "purchase",
    "unsubscribe",
];
const CHANNELS: &[&str] = &["email", "web", "social", "search", "display", "sms"];
const CAMPAIGNS: &[&str] = &[
    "Spring Sale",
    "Summer Launch",
    "Back to School",
    "Black Friday",
    "Winter Clearance",
    "Loyalty Week",
    "Webinar Series",
];
const TAGS: &[&str] = &[
    "vip",
    "trial",
    "churn-risk",
    "newsletter",
    "b2b",
    "returning",
    "mobile",
];
const COUNTRIES: &[&str] = &["PT", "DE", "JP", "NG", "US", "BR", "IN", "FR", "SE", "CA"];
const PLANS: &[&str] = &["free", "starter", "pro", "enterprise"];
const PATHS: &[&str] = &[
    "/",
    "/pricing",
    "/docs",
    "/blog",
    "/signup",
    "/checkout",
    "/contact",
];
const ANALYTICS_EVENTS: &[&str] = &[
    "page_view",
    "button_click",
    "signup",
    "search",
    "video_play",
];
const SUBJECTS: &[&str] = &[
    "Cannot log in",
    "Refund request",
    "Invoice is wrong",
    "Feature request: dark mode",
    "App crashes on start",
    "How do I export data?",
    "Password reset email missing",
];
const OPEN_STATUSES: &[&str] = &["new", "open", "pending", "hold"];
const CLOSED_STATUSES: &[&str] = &["solved", "closed", "pending"];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
const BRAND_NAMES: &[&str] = &[
    "Acme Support",
    "Globex Help",
    "Initech Care",
    "Umbrella Desk",
    "Hooli Service",
];
const GROUP_NAMES: &[&str] = &[
    "Tier 1",
    "Tier 2",
    "Billing",
    "Onboarding",
    "Escalations",
    "VIP",
    "EMEA",
    "APAC",
    "Americas",
    "Partners",
    "Hardware",
    "Night Shift",
];
const ROLES: &[&str] = &["end-user", "agent", "admin"];

// Salts keep the resources' random streams apart.
const EVENTS: u64 = 1;
const ANALYTICS: u64 = 2;
const PAGE_VIEWS: u64 = 3;
const CUSTOMERS: u64 = 4;
const SUPPORT: u64 = 5;
const TICKETS: u64 = 6;

/// The resources whose records are a function of their index alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Collection {
    /// Marketing events: the richest shape, also served by every `/paging/*` endpoint.
    Events,
    AnalyticsEvents,
    PageViews,
    Customers,
    Brands,
    Groups,
    Organizations,
}

/// The data set one server serves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DataSet {
    pub seed: u64,
    pub records: u64,
}

impl DataSet {
    pub fn count(&self, collection: Collection) -> u64 {
        match collection {
            Collection::Brands => BRANDS,
            Collection::Groups => GROUPS,
            Collection::Organizations => self.organizations(),
            _ => self.records,
        }
    }

    pub fn organizations(&self) -> u64 {
        (self.records / 40).max(1)
    }

    /// Members of organization `org_id` (1-based); every fifth organization has none, so child
    /// requests that return nothing are part of every run.
    pub fn members(&self, org_id: u64) -> u64 {
        if org_id.is_multiple_of(5) {
            0
        } else {
            (org_id * 37) % 61
        }
    }

    /// Writes records `range` of `collection` as a JSON array.
    pub fn write_page(
        &self,
        out: &mut String,
        collection: Collection,
        range: std::ops::Range<u64>,
    ) {
        out.push('[');
        for i in range {
            if !out.ends_with('[') {
                out.push(',');
            }
            match collection {
                Collection::Events => self.write_event(out, i),
                Collection::AnalyticsEvents => self.write_analytics_event(out, i),
                Collection::PageViews => self.write_page_view(out, i),
                Collection::Customers => self.write_customer(out, i),
                Collection::Brands => self.write_brand(out, i),
                Collection::Groups => self.write_group(out, i),
                Collection::Organizations => self.write_organization(out, i),
            }
        }
        out.push(']');
    }

    /// A marketing event. Holds every shape a loader must cope with: nested objects, arrays of
    /// objects and of scalars (sometimes empty), nulls, ISO timestamps, camelCase and odd keys,
    /// and `score`, a number in the first half of the records and text in the second.
    fn write_event(&self, out: &mut String, i: u64) {
        let h = mix(self.seed, EVENTS, i);
        let id = i + 1;
        let at = BASE_TIME + i * 137;
        w!(
            out,
            "{{\"id\":{id},\"customer_id\":\"cus_{:06}\",\"event_type\":\"{}\",",
            h % 5000,
            pick(EVENT_TYPES, h >> 8)
        );
        let campaign = (h >> 16) % CAMPAIGNS.len() as u64;
        w!(
            out,
            "\"campaign\":{{\"id\":\"cmp_{:02}\",\"name\":\"{}\",\"channel\":\"{}\",\"budget\":{{\"amount\":",
            campaign + 1,
            CAMPAIGNS[campaign as usize],
            pick(CHANNELS, campaign)
        );
        write_money(out, (campaign + 1) * 150_000);
        out.push_str(",\"currency\":\"EUR\"}},\"occurredAt\":");
        write_iso(out, at);
        out.push_str(",\"revenue\":");
        if i % 7 == 3 {
            out.push_str("null");
        } else {
            write_money(out, (h >> 20) % 50_000);
        }
        w!(
            out,
            ",\"isConverted\":{},\"score\":",
            (h >> 24).is_multiple_of(3)
        );
        let score = (h >> 28) % 100;
        if i < self.records / 2 {
            w!(out, "{score}");
        } else {
            w!(out, "\"{score} pts\"");
        }
        out.push_str(",\"tags\":[");
        for t in 0..(h >> 32) % 4 {
            if t > 0 {
                out.push(',');
            }
            w!(out, "\"{}\"", pick(TAGS, (h >> 36) + t * 3));
        }
        out.push_str("],\"touchpoints\":[");
        for t in 0..1 + (h >> 40) % 3 {
            if t > 0 {
                out.push(',');
            }
            w!(
                out,
                "{{\"channel\":\"{}\",\"at\":",
                pick(CHANNELS, (h >> 44) + t)
            );
            write_iso(out, at.saturating_sub((t + 1) * 3600));
            w!(
                out,
                ",\"durationSeconds\":{}}}",
                5 + ((h >> 48) + t * 17) % 600
            );
        }
        w!(
            out,
            "],\"Some Field!\":\"value {}\",\"@odata.id\":\"/v1/marketing_data({id})\",\"coupon\":",
            h % 97
        );
        if i.is_multiple_of(5) {
            w!(out, "\"SAVE{}\"", 5 + (h >> 52) % 4 * 5);
        } else {
            out.push_str("null");
        }
        out.push('}');
    }

    fn write_analytics_event(&self, out: &mut String, i: u64) {
        let h = mix(self.seed, ANALYTICS, i);
        w!(
            out,
            "{{\"id\":{},\"session_id\":\"ses_{:08x}\",\"user\":{{\"id\":\"usr_{:05}\",\"anonymous\":{},\"traits\":{{\"plan\":\"{}\",\"country\":\"{}\"}}}},\"name\":\"{}\",\"properties\":{{\"path\":\"{}\",\"referrer\":",
            i + 1,
            h as u32,
            (h >> 32) % 20_000,
            (h >> 8).is_multiple_of(4),
            pick(PLANS, h >> 12),
            pick(COUNTRIES, h >> 16),
            pick(ANALYTICS_EVENTS, h >> 20),
            pick(PATHS, h >> 24)
        );
        if i.is_multiple_of(3) {
            out.push_str("null");
        } else {
            w!(
                out,
                "\"https://search.example.com/?q=term{}\"",
                (h >> 28) % 50
            );
        }
        out.push_str("},\"timestamp\":");
        write_iso(out, BASE_TIME + i * 61);
        w!(out, ",\"duration_ms\":{}}}", (h >> 40) % 30_000);
    }

    fn write_page_view(&self, out: &mut String, i: u64) {
        let h = mix(self.seed, PAGE_VIEWS, i);
        let path = pick(PATHS, h);
        w!(
            out,
            "{{\"id\":{},\"visitor_id\":\"vis_{:06}\",\"url\":\"https://shop.example.com{path}\",\"title\":\"Shop {path}\",\"viewed_at\":",
            i + 1,
            (h >> 8) % 100_000
        );
        write_iso(out, BASE_TIME + i * 29);
        w!(out, ",\"load_time_ms\":{},\"utm\":", 40 + (h >> 24) % 3000);
        if i % 4 == 1 {
            out.push_str("null");
        } else {
            w!(
                out,
                "{{\"source\":\"{}\",\"medium\":\"{}\",\"campaign\":\"{}\"}}",
                pick(&["newsletter", "google", "partner", "twitter"], h >> 32),
                pick(CHANNELS, h >> 36),
                pick(CAMPAIGNS, h >> 40)
            );
        }
        out.push('}');
    }

    fn write_customer(&self, out: &mut String, i: u64) {
        let h = mix(self.seed, CUSTOMERS, i);
        let first = pick(FIRST_NAMES, h);
        let last = pick(LAST_NAMES, h >> 8);
        w!(
            out,
            "{{\"id\":{},\"customer_key\":\"CK-{:06}\",\"first_name\":\"{first}\",\"last_name\":\"{last}\",\"email\":\"customer{}@example.com\",\"phone\":",
            i + 1,
            i + 1,
            i + 1
        );
        if i % 6 == 2 {
            out.push_str("null");
        } else {
            w!(out, "\"+351 9{:08}\"", (h >> 16) % 100_000_000);
        }
        w!(
            out,
            ",\"country\":\"{}\",\"balance\":",
            pick(COUNTRIES, h >> 24)
        );
        write_money(out, (h >> 28) % 1_000_000);
        w!(
            out,
            ",\"is_active\":{},\"created_at\":",
            !i.is_multiple_of(11)
        );
        write_iso(out, BASE_TIME + i * 3600);
        out.push_str(",\"updated_at\":");
        write_iso(out, BASE_TIME + i * 3600 + (h >> 40) % (90 * DAY));
        out.push('}');
    }

    fn write_brand(&self, out: &mut String, i: u64) {
        let name = BRAND_NAMES[(i % BRAND_NAMES.len() as u64) as usize];
        let subdomain = name.split(' ').next().unwrap_or(name).to_ascii_lowercase();
        w!(out, "{{\"id\":{},\"name\":\"{name}\",\"subdomain\":\"{subdomain}\",\"active\":{},\"created_at\":", i + 1, i != 3);
        write_iso(out, BASE_TIME - (i + 1) * 30 * DAY);
        out.push_str(",\"logo\":");
        if i.is_multiple_of(2) {
            w!(out, "{{\"url\":\"https://cdn.example.com/brands/{}.png\",\"width\":256,\"height\":256}}", i + 1);
        } else {
            out.push_str("null");
        }
        out.push('}');
    }

    fn write_group(&self, out: &mut String, i: u64) {
        w!(
            out,
            "{{\"id\":{},\"name\":\"{}\",\"description\":",
            i + 1,
            GROUP_NAMES[(i % GROUP_NAMES.len() as u64) as usize]
        );
        if i.is_multiple_of(3) {
            out.push_str("null");
        } else {
            w!(
                out,
                "\"Handles {} tickets\"",
                GROUP_NAMES[(i % GROUP_NAMES.len() as u64) as usize].to_ascii_lowercase()
            );
        }
        w!(out, ",\"default\":{},\"created_at\":", i == 0);
        write_iso(out, BASE_TIME - (i + 1) * 7 * DAY);
        out.push('}');
    }

    fn write_organization(&self, out: &mut String, i: u64) {
        let h = mix(self.seed, SUPPORT, i);
        let id = i + 1;
        w!(
            out,
            "{{\"id\":{id},\"name\":\"{} {} Ltd\",\"domain_names\":[\"org{id}.example.com\",\"org{id}.example.org\"],\"group_id\":",
            pick(LAST_NAMES, h),
            id
        );
        if i % 4 == 3 {
            out.push_str("null");
        } else {
            w!(out, "{}", 1 + (h >> 8) % GROUPS);
        }
        w!(
            out,
            ",\"details\":null,\"tags\":[\"{}\"],\"members_count\":{},\"Some Field!\":\"tier {}\",\"created_at\":",
            pick(TAGS, h >> 16),
            self.members(id),
            1 + (h >> 24) % 3
        );
        write_iso(out, BASE_TIME + i * DAY);
        out.push('}');
    }

    /// Writes members `range` (0-based) of organization `org_id`.
    pub fn write_members(&self, out: &mut String, org_id: u64, range: std::ops::Range<u64>) {
        out.push('[');
        for k in range {
            if !out.ends_with('[') {
                out.push(',');
            }
            let h = mix(self.seed, SUPPORT ^ org_id << 20, k);
            w!(
                out,
                "{{\"id\":{},\"organization_id\":{org_id},\"name\":\"{} {}\",\"email\":\"member{}.{}@org{org_id}.example.com\",\"role\":\"{}\",\"joined_at\":",
                org_id * 1000 + k + 1,
                pick(FIRST_NAMES, h),
                pick(LAST_NAMES, h >> 8),
                k + 1,
                org_id,
                pick(ROLES, h >> 16)
            );
            write_iso(out, BASE_TIME + org_id * DAY + k * 3600);
            out.push('}');
        }
        out.push(']');
    }
}

/// Tickets change over time: each "epoch" (advanced by `POST /admin/advance`) creates 1% new
/// tickets and updates every twentieth existing one, all stamped later than anything before, so
/// an incremental load that asks for `updated_since` the last value it saw gets exactly what
/// changed.
#[derive(Debug)]
pub(crate) struct Tickets {
    pub data: DataSet,
    pub epoch: u64,
    /// (updated_at, index) for every ticket, sorted: pages walk it in `updated_at` order.
    pub by_updated_at: Vec<(u64, u32)>,
}

impl Tickets {
    pub fn new(data: DataSet, epoch: u64) -> Self {
        let count = Self::count_at(&data, epoch);
        let mut by_updated_at: Vec<(u64, u32)> = (0..count)
            .map(|i| (Self::updated_at_of(&data, epoch, i), i as u32))
            .collect();
        by_updated_at.sort_unstable();
        Self {
            data,
            epoch,
            by_updated_at,
        }
    }

    fn new_per_epoch(data: &DataSet) -> u64 {
        (data.records / 100).max(1)
    }

    fn count_at(data: &DataSet, epoch: u64) -> u64 {
        data.records + epoch * Self::new_per_epoch(data)
    }

    /// Start of epoch `e` (≥ 1): the first day after all of epoch 0's tickets.
    fn epoch_start(data: &DataSet, epoch: u64) -> u64 {
        let initial_span = data.records * 600;
        BASE_TIME + (initial_span / DAY + 1 + epoch) * DAY
    }

    fn created_epoch(data: &DataSet, i: u64) -> u64 {
        if i < data.records {
            0
        } else {
            (i - data.records) / Self::new_per_epoch(data) + 1
        }
    }

    fn created_at(data: &DataSet, i: u64) -> u64 {
        match Self::created_epoch(data, i) {
            0 => BASE_TIME + i * 600,
            e => {
                let k = (i - data.records) % Self::new_per_epoch(data);
                // New tickets fill the first half of their epoch's day, updates the second half.
                Self::epoch_start(data, e) + k * (DAY / 2) / Self::new_per_epoch(data)
            }
        }
    }

    fn last_update_epoch(data: &DataSet, epoch: u64, i: u64) -> Option<u64> {
        let back = (i + epoch) % 20;
        let e = epoch.checked_sub(back)?;
        (e >= 1 && e > Self::created_epoch(data, i)).then_some(e)
    }

    fn updated_at_of(data: &DataSet, epoch: u64, i: u64) -> u64 {
        match Self::last_update_epoch(data, epoch, i) {
            Some(e) => Self::epoch_start(data, e) + DAY / 2 + i % (DAY / 2),
            None => Self::created_at(data, i),
        }
    }

    pub fn write(&self, out: &mut String, i: u64, updated_at: u64) {
        let data = &self.data;
        let h = mix(data.seed, TICKETS, i);
        let updated = Self::last_update_epoch(data, self.epoch, i);
        let status = match updated {
            Some(e) => pick(CLOSED_STATUSES, e),
            None => pick(OPEN_STATUSES, h),
        };
        w!(
            out,
            "{{\"id\":{},\"subject\":\"{}\",\"status\":\"{status}\",\"priority\":",
            i + 1,
            pick(SUBJECTS, h >> 4)
        );
        if i.is_multiple_of(9) {
            out.push_str("null");
        } else {
            w!(out, "\"{}\"", pick(PRIORITIES, h >> 8));
        }
        w!(
            out,
            ",\"requester\":{{\"id\":{},\"name\":\"{} {}\"}},\"organization_id\":",
            10_000 + (h >> 12) % 5000,
            pick(FIRST_NAMES, h >> 16),
            pick(LAST_NAMES, h >> 20)
        );
        if i % 8 == 5 {
            out.push_str("null");
        } else {
            w!(out, "{}", 1 + (h >> 24) % data.organizations());
        }
        w!(
            out,
            ",\"tags\":[\"{}\",\"{}\"],\"custom_fields\":[{{\"id\":360001,\"value\":\"{}\"}},{{\"id\":360002,\"value\":{}}}],\"via\":{{\"channel\":\"{}\"}},\"revision\":{},\"created_at\":",
            pick(TAGS, h >> 28),
            pick(TAGS, h >> 32),
            pick(PLANS, h >> 36),
            if i.is_multiple_of(2) { "null" } else { "true" },
            pick(CHANNELS, h >> 40),
            updated.unwrap_or(0)
        );
        write_iso(out, Self::created_at(data, i));
        out.push_str(",\"updated_at\":");
        write_iso(out, updated_at);
        out.push('}');
    }

    /// How many tickets there are now.
    pub fn count(&self) -> u64 {
        self.by_updated_at.len() as u64
    }

    /// The comments of ticket `i` (0-based), as a JSON array: the opening comment, and one more
    /// for its latest update, written when it was updated. A ticket changes exactly when its
    /// comments do, so a child resource of changed tickets sees every new comment.
    pub fn write_comments(&self, out: &mut String, i: u64) {
        let data = &self.data;
        let h = mix(data.seed, TICKETS, i);
        let comment = |out: &mut String, n: u64, at: u64, body: &str| {
            let author = mix(data.seed, TICKETS, (i + 1) * 10_000 + n);
            w!(
                out,
                "{{\"id\":{},\"ticket_id\":{},\"author\":\"{} {}\",\"body\":\"{body}\",\"created_at\":",
                (i + 1) * 10_000 + n,
                i + 1,
                pick(FIRST_NAMES, author),
                pick(LAST_NAMES, author >> 8)
            );
            write_iso(out, at);
            out.push('}');
        };
        out.push('[');
        comment(out, 0, Self::created_at(data, i), pick(SUBJECTS, h >> 4));
        if let Some(e) = Self::last_update_epoch(data, self.epoch, i) {
            out.push(',');
            comment(
                out,
                e,
                Self::updated_at_of(data, self.epoch, i),
                pick(CLOSED_STATUSES, e),
            );
        }
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_round_trip() {
        for secs in [
            BASE_TIME,
            BASE_TIME + 59,
            BASE_TIME + 86_399 + 366 * DAY,
            951_782_400,
        ] {
            let text = iso_timestamp(secs);
            assert_eq!(parse_iso(&text), Some(secs), "{text}");
        }
        assert_eq!(iso_timestamp(BASE_TIME), "2024-01-01T00:00:00Z");
        assert_eq!(iso_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(parse_iso("2024-01-02"), Some(BASE_TIME + DAY));
        assert_eq!(
            parse_iso("2024-01-01T00:00:05.123+00:00"),
            Some(BASE_TIME + 5)
        );
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("2024-13-01"), None);
    }

    #[test]
    fn every_collection_writes_valid_json() {
        let data = DataSet {
            seed: 7,
            records: 300,
        };
        for collection in [
            Collection::Events,
            Collection::AnalyticsEvents,
            Collection::PageViews,
            Collection::Customers,
            Collection::Brands,
            Collection::Groups,
            Collection::Organizations,
        ] {
            let mut out = String::new();
            data.write_page(&mut out, collection, 0..data.count(collection));
            let parsed: Vec<serde_json::Value> = serde_json::from_str(&out)
                .unwrap_or_else(|e| panic!("{collection:?} is not JSON: {e}\n{out}"));
            assert_eq!(
                parsed.len() as u64,
                data.count(collection),
                "{collection:?}"
            );
        }
        let mut out = String::new();
        data.write_members(&mut out, 3, 0..data.members(3));
        let members: Vec<serde_json::Value> = serde_json::from_str(&out).expect("members JSON");
        assert_eq!(members.len() as u64, data.members(3));
    }

    #[test]
    fn each_epoch_stamps_its_changes_after_everything_before() {
        let data = DataSet {
            seed: 1,
            records: 500,
        };
        let before = Tickets::new(data, 0);
        let after = Tickets::new(data, 1);
        let last_before = before.by_updated_at.last().expect("tickets").0;
        let changed: Vec<u32> = after
            .by_updated_at
            .iter()
            .filter(|(at, _)| *at > last_before)
            .map(|e| e.1)
            .collect();
        // 5 new tickets (1%) and every twentieth of the 500 existing ones.
        assert_eq!(changed.len(), 5 + 25, "{changed:?}");
        assert_eq!(after.by_updated_at.len(), 505);
    }
}
