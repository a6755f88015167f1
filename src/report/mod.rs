//! Reports: each a pure function of the data the store reads for it, built once as a plain
//! struct and rendered in any format by `render`.

pub mod audit;
pub mod document;
pub mod html;
pub mod learner;
pub mod listing;
pub mod notice;
pub mod render;
pub mod schools;
pub mod xlsx;
pub mod year;

/// What a branch table says of each branch: code, name, learners, how many reached the mark
/// (met the requirement, or are on pace), and their average hours.
pub struct BranchRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub learners: i64,
    pub reached: i64,
    pub average: crate::hours::Hours,
}

/// The branch table of a year report or a notice: the same columns, each with its own words for
/// the mark and its share.
pub fn branch_table<'a>(
    lang: crate::Lang,
    title: (&str, &str),
    reached: (&str, &str),
    share: (&str, &str),
    rows: impl Iterator<Item = BranchRow<'a>>,
) -> render::Table {
    use crate::hours::ratio4;
    use render::Cell;
    render::Table {
        title: lang.pick(title.0, title.1).to_string(),
        columns: lang.labels(&[
            ("Branch", "支部"),
            ("Name", "名称"),
            ("Learners", "人数"),
            reached,
            share,
            ("Average hours", "人均学时"),
        ]),
        rows: rows
            .map(|b| {
                vec![
                    Cell::text(b.code),
                    Cell::text(b.name),
                    Cell::Int(b.learners),
                    Cell::Int(b.reached),
                    Cell::Ratio(ratio4(b.reached, b.learners)),
                    Cell::Hours(b.average),
                ]
            })
            .collect(),
    }
}
