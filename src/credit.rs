//! The credit rules of SPEC §2, in one place: what each item earns, a learner's totals, what a
//! year requires of their dated life, and where they stand. Pure: the store reads the records
//! (store::ledger), these functions judge them. Sums are integer hundredths.

use std::collections::HashMap;

use crate::hours::{div_half_up, Fixed, Hours};
use crate::life::Life;
use crate::model::{AssessmentKind, Award, Category, CourseKind, Status};

/// What a session attendance record earns: the record's own hours if it has them, else the
/// session's, when present or late; nothing when excused or absent.
pub fn session_credit(status: Status, own: Option<Hours>, session_hours: Hours) -> Hours {
    if status.attended() {
        own.unwrap_or(session_hours)
    } else {
        Fixed(0)
    }
}

/// An assessment as the credit rules see it.
#[derive(Debug, Clone)]
pub struct AssessmentRule {
    pub kind: AssessmentKind,
    pub hours: Hours,
    pub pass_mark: Fixed,
    /// Bonus per award level, in `Award::ALL` order.
    pub bonus: [Hours; 4],
}

impl AssessmentRule {
    /// A quiz credits its hours at or above the pass mark (nothing without a score); a contest or
    /// essay credits every participant; an award adds its level's bonus.
    pub fn credit(&self, score: Option<Fixed>, award: Option<Award>) -> Hours {
        let base = match self.kind {
            AssessmentKind::Quiz => match score {
                Some(s) if s >= self.pass_mark => self.hours,
                _ => Fixed(0),
            },
            AssessmentKind::Contest | AssessmentKind::Essay => self.hours,
        };
        base + award.map_or(Fixed(0), |a| self.bonus[a as usize])
    }
}

/// Every rule's values by year (SPEC v2 §2): `rules set NAME VALUE [--from YYYY]`.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    /// (name, from year (0: every year), value), sorted by name then year.
    pub rows: Vec<(String, i32, Option<i64>)>,
}

/// The rule names besides the categories, as stored.
pub const ONLINE_CAP: &str = "online_cap";
pub const MAX_ABSENCES: &str = "max_absences";

impl RuleBook {
    /// A rule's value in `year`: that of its latest row from `year` or before.
    pub fn value(&self, name: &str, year: i32) -> Option<i64> {
        self.rows.iter().rfind(|(n, from, _)| n == name && *from <= year).and_then(|(_, _, v)| *v)
    }

    /// The rules of one year.
    pub fn year(&self, year: i32) -> Rules {
        Rules {
            year,
            requirement: std::array::from_fn(|i| Fixed(self.value(Category::ALL[i].code(), year).unwrap_or(0))),
            online_cap: self.value(ONLINE_CAP, year).map(Fixed),
            max_absences: self.value(MAX_ABSENCES, year).unwrap_or(0),
        }
    }
}

/// The rules in force in one year: yearly hours per category, the online cap, the absences an
/// eligible learner may have.
#[derive(Debug, Clone)]
pub struct Rules {
    pub year: i32,
    /// Yearly hours by category, in `Category::ALL` order.
    pub requirement: [Hours; Category::ALL.len()],
    pub online_cap: Option<Hours>,
    pub max_absences: i64,
}

impl Rules {
    pub fn yearly(&self, category: Category) -> Hours {
        self.requirement.get(category as usize).copied().unwrap_or_default()
    }

    /// What `life` requires of the year from January to the end of month `through` (SPEC v2 §2
    /// proration): each required month's category requirement, summed, ÷ 12, rounded once half up.
    pub fn required(&self, life: &Life, through: u32) -> Hours {
        let sum: i64 = life.required_months(self.year, through).map(|(_, c)| self.yearly(c).0).sum();
        Fixed(div_half_up(sum, 12))
    }

    pub fn cap_online(&self, online: Hours) -> Hours {
        self.online_cap.map_or(online, |cap| online.min(cap))
    }

    /// A learner's standing at the end of month `through`: their hours (year to date, the cap
    /// applied) against what is required by then.
    pub fn standing(&self, life: &Life, totals: &Totals, through: u32) -> Standing {
        let total = totals.total();
        let required = self.required(life, through);
        let met = total >= required;
        Standing { total, required, met, eligible: met && totals.absences <= self.max_absences }
    }
}

/// Where a learner stands (SPEC §2 "Met, rank, eligible" and "Pace"). At the year's end
/// `required` is the prorated requirement and `met` says it is reached; at the end of an earlier
/// month `required` is the expected hours and `met` says the learner is on pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub total: Hours,
    pub required: Hours,
    pub met: bool,
    /// Met, with no more absences than the year's `max-absences`.
    pub eligible: bool,
}

impl Standing {
    /// How far behind: required (or expected) − hours; zero when met.
    pub fn shortfall(&self) -> Hours {
        if self.met {
            Fixed(0)
        } else {
            self.required - self.total
        }
    }
}

/// A learner as reports see them.
#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub life: Life,
}

/// One learner's credit over a date range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sessions attended (present or late).
    pub sessions: i64,
    pub theory: Hours,
    pub extension: Hours,
    pub topic: Hours,
    /// Online hours, the cap applied.
    pub online: Hours,
    pub assessment: Hours,
    /// Records with status `absent`.
    pub absences: i64,
    /// All attendance records, whatever their status.
    pub records: i64,
}

impl Totals {
    pub fn total(&self) -> Hours {
        self.theory + self.extension + self.topic + self.online + self.assessment
    }

    pub(crate) fn add_session(&mut self, kind: CourseKind, status: Status, hours: Hours) {
        self.records += 1;
        match kind {
            CourseKind::Theory => self.theory += hours,
            CourseKind::Extension => self.extension += hours,
            CourseKind::Topic => self.topic += hours,
        }
        if status.attended() {
            self.sessions += 1;
        } else if status == Status::Absent {
            self.absences += 1;
        }
    }
}

/// Every learner's totals over a range, indexed by learner id (ids are dense row ids, so a vector
/// beats a hash map on the million-row path).
#[derive(Debug, Default)]
pub struct Ledger(Vec<Totals>);

impl Ledger {
    pub fn get(&self, learner_id: &i64) -> Option<&Totals> {
        usize::try_from(*learner_id).ok().and_then(|i| self.0.get(i))
    }

    pub(crate) fn entry(&mut self, learner_id: i64) -> &mut Totals {
        let i = usize::try_from(learner_id).unwrap_or(0);
        if i >= self.0.len() {
            self.0.resize(i + 1, Totals::default());
        }
        &mut self.0[i]
    }
}

/// The programme for a year: sessions held, their hours, and the theory hours among them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Programme {
    pub sessions: i64,
    pub session_hours: Hours,
    pub theory_hours: Hours,
}

/// Ranks by total within each group, highest first, ties sharing a rank (1, 2, 2, 4).
/// `items` are (group, total); returns ranks in the same order.
pub fn ranks<G: Eq + std::hash::Hash + Clone>(items: &[(G, Hours)]) -> Vec<i64> {
    let mut groups: HashMap<G, Vec<Hours>> = HashMap::new();
    for (g, t) in items {
        groups.entry(g.clone()).or_default().push(*t);
    }
    for totals in groups.values_mut() {
        totals.sort_unstable_by(|a, b| b.cmp(a));
    }
    items
        .iter()
        .map(|(g, t)| {
            let totals = &groups[g];
            1 + totals.partition_point(|x| x > t) as i64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_credit_rules() {
        // present with no own hours: the session's 2 h; late with 1.5 own: 1.5; excused/absent: 0
        assert_eq!(session_credit(Status::Present, None, Fixed(200)), Fixed(200));
        assert_eq!(session_credit(Status::Late, Some(Fixed(150)), Fixed(200)), Fixed(150));
        assert_eq!(session_credit(Status::Excused, None, Fixed(200)), Fixed(0));
        assert_eq!(session_credit(Status::Absent, None, Fixed(200)), Fixed(0));
    }

    #[test]
    fn quiz_pass_mark_is_inclusive_and_awards_add() {
        let quiz = AssessmentRule {
            kind: AssessmentKind::Quiz,
            hours: Fixed(200),
            pass_mark: Fixed(6000),
            bonus: [Fixed(0); 4],
        };
        assert_eq!(quiz.credit(Some(Fixed(6000)), None), Fixed(200), "60 passes a pass mark of 60");
        assert_eq!(quiz.credit(Some(Fixed(5999)), None), Fixed(0), "59.99 does not");
        assert_eq!(quiz.credit(None, None), Fixed(0), "no score, no hours");
        let contest = AssessmentRule {
            kind: AssessmentKind::Contest,
            hours: Fixed(100),
            pass_mark: Fixed(6000),
            bonus: [Fixed(300), Fixed(200), Fixed(100), Fixed(0)],
        };
        // 1 h for taking part + 3 h first prize = 4; merit has no bonus here: 1
        assert_eq!(contest.credit(None, Some(Award::First)), Fixed(400));
        assert_eq!(contest.credit(None, Some(Award::Merit)), Fixed(100));
        assert_eq!(contest.credit(None, None), Fixed(100));
    }

    #[test]
    fn ties_share_a_rank() {
        let items = [("A", Fixed(500)), ("A", Fixed(300)), ("A", Fixed(300)), ("A", Fixed(100)), ("B", Fixed(100))];
        assert_eq!(ranks(&items), vec![1, 2, 2, 4, 1]);
    }

    #[test]
    fn proration_sums_the_months_then_rounds_once() {
        let mut book = RuleBook::default();
        for c in Category::ALL {
            let h = match c {
                Category::Candidate => 2400,
                Category::Youth => 1600,
                _ => 3200,
            };
            book.rows.push((c.code().to_string(), 0, Some(h)));
        }
        let rules = book.year(2024);
        // youth joined 1 June: 16 × 7 ÷ 12 = 9.333… → 9.33
        let d = |s| crate::date::parse(s);
        assert_eq!(rules.required(&Life::simple(Category::Youth, 1, d("2024-06-01"), None), 12), Fixed(933));
        // 5 months as candidate, then 7 as probationary: (5×24 + 7×32) ÷ 12 = 28.666… → 28.67
        let mut life = Life::simple(Category::Candidate, 1, None, None);
        life.categories.push(crate::life::Dated { from: d("2024-06-10"), value: Category::Probationary });
        assert_eq!(rules.required(&life, 12), Fixed(2867));
    }

    #[test]
    fn rules_hold_from_their_year_on() {
        let book = RuleBook {
            rows: vec![
                ("member".into(), 0, Some(3200)),
                ("member".into(), 2025, Some(4000)),
                (ONLINE_CAP.into(), 0, None),
                (ONLINE_CAP.into(), 2025, Some(1200)),
            ],
        };
        assert_eq!(book.year(2024).yearly(Category::Member), Fixed(3200));
        assert_eq!(book.year(2026).yearly(Category::Member), Fixed(4000));
        assert_eq!(book.year(2024).online_cap, None);
        assert_eq!(book.year(2025).online_cap, Some(Fixed(1200)));
        assert_eq!(book.year(2025).max_absences, 0);
    }
}
