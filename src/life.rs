//! A learner's dated life (SPEC v2 §2): enrolment spells, the category and branch in force on each
//! day, exemptions; and what follows from them for a year: which months are enrolled and
//! required, under which category, and where the learner is reported.

use chrono::{Datelike, NaiveDate};

use crate::date;
use crate::model::Category;

/// One enrolment spell: from `start` (None: from before any record) to `end` (None: still).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Spell {
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| day <= e)
    }
}

/// A dated value: `value` from `from` on (None: from the start) until the next entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated<T> {
    pub from: Option<NaiveDate>,
    pub value: T,
}

/// A date range during which nothing is required (病假, 产假, 年老体弱).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

/// Everything dated about one learner. Spells, categories and branches are sorted by date, the
/// undated first; branches are branch row ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    pub spells: Vec<Spell>,
    pub categories: Vec<Dated<Category>>,
    pub branches: Vec<Dated<i64>>,
    pub exemptions: Vec<Exemption>,
}

/// What one month of a year is to a learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Not every enrolled day of it lies in an exemption.
    pub required: bool,
    /// The category in force on the month's last enrolled day.
    pub category: Category,
}

impl Life {
    /// A learner enrolled from `joined` (None: always) to `left`, of one category and branch.
    pub fn simple(category: Category, branch: i64, joined: Option<NaiveDate>, left: Option<NaiveDate>) -> Life {
        Life {
            spells: vec![Spell { start: joined, end: left }],
            categories: vec![Dated { from: None, value: category }],
            branches: vec![Dated { from: None, value: branch }],
            exemptions: Vec::new(),
        }
    }

    /// Puts the dated lists in date order (the undated first), as the rules read them.
    pub fn sort(&mut self) {
        self.spells.sort_by_key(|s| s.start);
        self.categories.sort_by_key(|c| c.from);
        self.branches.sort_by_key(|b| b.from);
        self.exemptions.sort_by_key(|e| (e.from, e.to));
    }

    pub fn enrolled_on(&self, day: NaiveDate) -> bool {
        self.spells.iter().any(|s| s.holds(day))
    }

    pub fn category_on(&self, day: NaiveDate) -> Category {
        in_force(&self.categories, day).unwrap_or(Category::Member)
    }

    pub fn branch_on(&self, day: NaiveDate) -> i64 {
        in_force(&self.branches, day).unwrap_or_default()
    }

    /// The category in force now: the latest entry.
    pub fn category_now(&self) -> Category {
        self.categories.last().map_or(Category::Member, |c| c.value)
    }

    pub fn branch_now(&self) -> i64 {
        self.branches.last().map_or(0, |b| b.value)
    }

    /// The learner's last enrolled day on or before `end`, if any.
    pub fn last_enrolled_day(&self, end: NaiveDate) -> Option<NaiveDate> {
        self.spells
            .iter()
            .filter(|s| s.start.is_none_or(|st| st <= end))
            .map(|s| s.end.map_or(end, |e| e.min(end)))
            .max()
    }

    /// Where the learner is reported for a period ending on `end`: the category and branch in
    /// force on their last enrolled day up to then (None: never enrolled by then).
    pub fn placement(&self, end: NaiveDate) -> Option<(Category, i64)> {
        self.last_enrolled_day(end).map(|day| (self.category_on(day), self.branch_on(day)))
    }

    /// Month `m` of `year`: None when no day of it is enrolled.
    pub fn month(&self, year: i32, m: u32) -> Option<Month> {
        // Most lives are one spell without bounds, one category and no exemption: every month is
        // enrolled, required, and of that category (a year report asks 24 times per learner).
        if let ([Spell { start: None, end: None }], [only], []) =
            (self.spells.as_slice(), self.categories.as_slice(), self.exemptions.as_slice())
        {
            return (1..=12).contains(&m).then_some(Month { required: true, category: only.value });
        }
        let first = NaiveDate::from_ymd_opt(year, m, 1)?;
        let last = date::month_end(year, m);
        let mut last_enrolled = None;
        let mut required = false;
        for s in &self.spells {
            let a = s.start.map_or(first, |st| st.max(first));
            let b = s.end.map_or(last, |e| e.min(last));
            if a > b {
                continue;
            }
            last_enrolled = last_enrolled.max(Some(b));
            required = required || !self.exempt_throughout(a, b);
        }
        last_enrolled.map(|day| Month { required, category: self.category_on(day) })
    }

    /// Whether every day from `a` to `b` lies in an exemption.
    fn exempt_throughout(&self, a: NaiveDate, b: NaiveDate) -> bool {
        let mut next = a;
        // Exemptions are sorted by start: one pass carries `next` past every one that covers it.
        for e in &self.exemptions {
            if e.from > next {
                break;
            }
            if e.to >= next {
                match e.to.succ_opt() {
                    Some(d) => next = d,
                    None => return true,
                }
            }
            if next > b {
                return true;
            }
        }
        next > b
    }

    /// Months of `year` from January to `through` with any day enrolled.
    pub fn enrolled_months(&self, year: i32, through: u32) -> i64 {
        (1..=through).filter(|&m| self.month(year, m).is_some()).count() as i64
    }

    /// Months of `year` from January to `through` that are required.
    pub fn required_months(&self, year: i32, through: u32) -> impl Iterator<Item = (u32, Category)> + '_ {
        (1..=through).filter_map(move |m| self.month(year, m).filter(|s| s.required).map(|s| (m, s.category)))
    }

    /// The spells as people read them: `2023-05-01 – 2024-06-30`, `– now`.
    pub fn describe_spells(&self) -> String {
        self.spells
            .iter()
            .map(|s| {
                format!(
                    "{}–{}",
                    s.start.map_or_else(|| "…".to_string(), date::iso),
                    s.end.map_or_else(|| "…".to_string(), date::iso)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether any spell, dated change or exemption of this life falls in `year`.
    pub fn touches_year(&self, year: i32) -> bool {
        let y = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year);
        self.spells.iter().any(|s| y(s.start) || y(s.end))
            || self.categories.iter().any(|c| y(c.from))
            || self.branches.iter().any(|b| y(b.from))
            || self.exemptions.iter().any(|e| e.from.year() <= year && year <= e.to.year())
    }
}

fn in_force<T: Copy>(list: &[Dated<T>], day: NaiveDate) -> Option<T> {
    let mut value = list.first().map(|d| d.value);
    for d in list {
        if d.from.is_none_or(|f| f <= day) {
            value = Some(d.value);
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> NaiveDate {
        date::parse(s).unwrap()
    }

    #[test]
    fn a_life_without_bounds_is_every_month_of_its_category() {
        let simple = Life::simple(Category::Cadre, 1, None, None);
        // The same life the long way: an exemption in another year keeps it off the short cut.
        let mut long = simple.clone();
        long.exemptions.push(Exemption { from: ymd("2020-01-01"), to: ymd("2020-01-31"), reason: String::new() });
        for m in 0..=13 {
            assert_eq!(simple.month(2024, m), long.month(2024, m), "month {m}");
        }
        assert_eq!(simple.enrolled_months(2024, 12), 12);
    }

    #[test]
    fn an_admission_changes_the_category_from_its_month() {
        // candidate, admitted as probationary on 10 June: June counts as probationary (its last
        // enrolled day is 30 June), January to May as candidate.
        let mut life = Life::simple(Category::Candidate, 1, None, None);
        life.categories.push(Dated { from: Some(ymd("2024-06-10")), value: Category::Probationary });
        let months: Vec<_> = life.required_months(2024, 12).collect();
        assert_eq!(months.len(), 12);
        assert_eq!(months[4], (5, Category::Candidate));
        assert_eq!(months[5], (6, Category::Probationary));
    }

    #[test]
    fn a_leave_and_return_leaves_a_gap() {
        let mut life = Life::simple(Category::Member, 1, None, Some(ymd("2024-03-10")));
        life.spells.push(Spell { start: Some(ymd("2024-09-01")), end: None });
        // enrolled January–March and September–December: 7 months
        assert_eq!(life.enrolled_months(2024, 12), 7);
        assert!(!life.enrolled_on(ymd("2024-05-01")));
        assert_eq!(life.last_enrolled_day(ymd("2024-06-30")), Some(ymd("2024-03-10")));
    }

    #[test]
    fn an_exemption_covering_part_of_a_month_leaves_it_required() {
        let mut life = Life::simple(Category::Member, 1, None, None);
        life.exemptions.push(Exemption { from: ymd("2024-03-05"), to: ymd("2024-05-31"), reason: "病假".into() });
        let required: Vec<u32> = life.required_months(2024, 12).map(|(m, _)| m).collect();
        // March is partly exempt: required; April and May wholly: not.
        assert_eq!(required, vec![1, 2, 3, 6, 7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn exemptions_that_meet_cover_the_days_between() {
        let mut life = Life::simple(Category::Member, 1, None, None);
        life.exemptions.push(Exemption { from: ymd("2024-04-01"), to: ymd("2024-04-15"), reason: String::new() });
        life.exemptions.push(Exemption { from: ymd("2024-04-10"), to: ymd("2024-04-30"), reason: String::new() });
        assert!(!life.month(2024, 4).unwrap().required);
    }

    #[test]
    fn a_month_exempt_on_every_enrolled_day_is_not_required() {
        // left on 10 March, exempt 1–10 March: March is enrolled but not required
        let mut life = Life::simple(Category::Member, 1, None, Some(ymd("2024-03-10")));
        life.exemptions.push(Exemption { from: ymd("2024-03-01"), to: ymd("2024-03-10"), reason: String::new() });
        let m = life.month(2024, 3).unwrap();
        assert!(!m.required);
        assert_eq!(life.enrolled_months(2024, 12), 3);
    }

    #[test]
    fn placement_is_the_last_enrolled_day() {
        let mut life = Life::simple(Category::Member, 1, None, Some(ymd("2024-10-31")));
        life.branches.push(Dated { from: Some(ymd("2024-07-01")), value: 2 });
        assert_eq!(life.placement(ymd("2024-06-30")), Some((Category::Member, 1)));
        assert_eq!(life.placement(ymd("2024-12-31")), Some((Category::Member, 2)));
        let joined_later = Life::simple(Category::Member, 1, Some(ymd("2025-02-01")), None);
        assert_eq!(joined_later.placement(ymd("2024-12-31")), None);
    }
}
