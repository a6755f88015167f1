//! `report schools`: the commission's table of every school on a server, each school's year
//! report summed up: learners, how many met their requirement, the share that did, and the
//! average hours. A pure function of each school's year data.

use serde::Serialize;

use super::document::{Cell, Document, Table};
use super::year;
use crate::hours::{div_half_up, ratio4, Fixed, Hours};
use crate::msg::count_en;
use crate::store::ledger::YearData;
use crate::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct SchoolsReport {
    pub year: i32,
    pub schools: Vec<SchoolLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolLine {
    /// The school's code; none for the server's default school (no `--school`).
    pub school: Option<String>,
    pub learners: i64,
    pub met: i64,
    /// `met / learners`, rounded to 4 places; none without learners.
    pub completion: Option<f64>,
    /// None without learners.
    pub average_total: Option<Hours>,
}

impl SchoolLine {
    /// How the table names the school: its code, or that it is the default one.
    fn name(&self, lang: Lang) -> String {
        self.school.clone().unwrap_or_else(|| lang.pick("(default school)", "（默认学校）").to_string())
    }
}

/// Each school as its year report counts it (the same learners, the same rules), in the order
/// given (the default school, then by code).
pub fn from_data(year: i32, schools: Vec<(Option<String>, YearData)>) -> SchoolsReport {
    let schools = schools
        .into_iter()
        .map(|(school, data)| {
            let report = year::from_data(data, None);
            let learners = report.learners.len() as i64;
            let met = report.learners.iter().filter(|l| l.met).count() as i64;
            let sum: i64 = report.learners.iter().map(|l| l.total.0).sum();
            SchoolLine {
                school,
                learners,
                met,
                completion: (learners > 0).then(|| ratio4(met, learners)),
                average_total: (learners > 0).then(|| Fixed(div_half_up(sum, learners))),
            }
        })
        .collect();
    SchoolsReport { year, schools }
}

impl SchoolsReport {
    pub fn document(&self, lang: Lang) -> Document {
        let learners: i64 = self.schools.iter().map(|s| s.learners).sum();
        let met: i64 = self.schools.iter().map(|s| s.met).sum();
        let table = Table {
            title: lang.pick("Schools", "各学校完成情况").to_string(),
            columns: lang.labels(&[
                ("School", "学校"),
                ("Learners", "人数"),
                ("Met", "达标人数"),
                ("Completion", "达标率"),
                ("Average hours", "人均学时"),
            ]),
            rows: self
                .schools
                .iter()
                .map(|s| {
                    vec![
                        Cell::Text(s.name(lang)),
                        Cell::Int(s.learners),
                        Cell::Int(s.met),
                        s.completion.map_or(Cell::Blank, Cell::Ratio),
                        s.average_total.map_or(Cell::Blank, Cell::Hours),
                    ]
                })
                .collect(),
        };
        Document {
            title: lang
                .pick(
                    &format!("Credit hours {}: schools", self.year),
                    &format!("{}年度各学校党校学时完成情况", self.year),
                )
                .to_string(),
            lines: vec![lang
                .pick(
                    &format!(
                        "{}; {}, {met} met their requirement.",
                        count_en(self.schools.len(), "school", "schools"),
                        count_en(learners as usize, "learner", "learners")
                    ),
                    &format!("共 {} 所学校；参训学员 {learners} 人，达标 {met} 人。", self.schools.len()),
                )
                .to_string()],
            tables: vec![table],
            footer: Vec::new(),
            chart: Some((
                lang.pick("Completion by school", "各学校达标率").to_string(),
                self.schools.iter().map(|s| (s.name(lang), s.completion.unwrap_or(0.0))).collect(),
            )),
            sheets: vec![0],
            narrow: vec![0, 1, 2, 3, 4],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credit::{Learner, Ledger, Programme, RuleBook};
    use crate::life::Life;
    use crate::model::Category;
    use crate::store::lives::Branch;

    /// A school of members with these theory hours (hundredths): no database.
    fn school(theory: &[i64]) -> YearData {
        let mut book = RuleBook::default();
        book.rows.push(("member".to_string(), 0, Some(3200)));
        let mut totals = Ledger::default();
        let mut learners = Vec::new();
        for (i, &h) in theory.iter().enumerate() {
            let id = i as i64 + 1;
            learners.push(Learner {
                id,
                staff_id: "0012".into(),
                name: format!("学员{id}"),
                life: Life::simple(Category::Member, 1, None, None),
            });
            totals.entry(id).theory = Fixed(h);
        }
        let branches = HashMap::from([(1, Branch { code: "NK1".into(), name: "内科一支部".into() })]);
        YearData { year: 2024, rules: book.year(2024), learners, totals, branches, programme: Programme::default() }
    }

    #[test]
    fn each_school_is_summed_as_its_year_report_counts_it() {
        let report = from_data(
            2024,
            vec![
                (None, school(&[3300, 1000, 3200])),
                (Some("b".into()), school(&[])),
                (Some("c".into()), school(&[3201])),
            ],
        );
        let line = |code: Option<&str>| report.schools.iter().find(|s| s.school.as_deref() == code).unwrap();
        // The default school: 33 and 32 met, 10 not: 2 of 3, average (33 + 10 + 32) ÷ 3 = 25
        assert_eq!((line(None).learners, line(None).met, line(None).completion), (3, 2, Some(0.6667)));
        assert_eq!(line(None).average_total, Some(Fixed(2500)));
        // No learners: no share, no average (not 0%).
        assert_eq!(
            (line(Some("b")).learners, line(Some("b")).completion, line(Some("b")).average_total),
            (0, None, None)
        );
        assert_eq!((line(Some("c")).met, line(Some("c")).completion), (1, Some(1.0)));
        let doc = report.document(Lang::En);
        assert_eq!(doc.tables[0].rows.len(), 3);
        assert_eq!(doc.tables[0].rows[0][0], Cell::Text("(default school)".into()));
        assert_eq!(doc.tables[0].rows[1][3], Cell::Blank);
        assert_eq!(report.document(Lang::Zh).tables[0].rows[0][0], Cell::Text("（默认学校）".into()));
        assert!(doc.lines[0].contains("3 schools; 4 learners, 3 met"), "{:?}", doc.lines);
        let one = from_data(2024, vec![(Some("c".into()), school(&[3201]))]).document(Lang::En);
        assert!(one.lines[0].starts_with("1 school; 1 learner, 1 met"), "{:?}", one.lines);
    }
}
