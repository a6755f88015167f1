//! The audit log as people read it. Each row names its record by staff ids and codes (not row
//! ids), and its values before and after in words: hours as hours, codes in the chosen language,
//! only what an update changed. `audit --format json` keeps the log as stored.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::hours::Fixed;
use crate::model::{AssessmentKind, Award, Category, CourseKind, Mode, Status};
pub use crate::store::records::AuditNames as Names;
use crate::Lang;

/// Writes one audit row's parts (the row of id `row`) in one language.
pub struct Words<'a> {
    pub names: &'a Names,
    pub lang: Lang,
    pub row: i64,
}

/// Fields no reader needs: which batch a record came in is the row's own batch column.
const UNSHOWN: [&str; 1] = ["batch_id"];

impl Words<'_> {
    fn pick(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.lang.pick(en, zh)
    }

    /// The kind of record a row is about: `课次`, `session`.
    pub fn entity(&self, entity: &str) -> String {
        crate::msg::table_name(entity, self.lang)
    }

    /// What was done: `新增`, `修改`, `删除`.
    pub fn action(&self, action: &str) -> String {
        match action {
            "insert" => self.pick("added", "新增"),
            "update" => self.pick("changed", "修改"),
            "delete" => self.pick("removed", "删除"),
            other => return other.to_string(),
        }
        .to_string()
    }

    /// The record a row names: `课次 16，工号 0017`; a rule as `正式党员学时要求，2025年起`.
    pub fn key(&self, entity: &str, key: &Json) -> String {
        let Some(fields) = key.as_object() else { return plain(key) };
        if entity == "rule" {
            let name = fields.get("name").and_then(Json::as_str).unwrap_or_default();
            let years = match fields.get("from_year").and_then(Json::as_i64) {
                Some(0) | None => self.pick("every year", "各年度").to_string(),
                Some(y) => match self.lang {
                    Lang::En => format!("from {y}"),
                    Lang::Zh => format!("{y}年起"),
                },
            };
            return self.join(vec![crate::msg::rule_name(name, self.lang), years]);
        }
        if entity == "closed_year" {
            if let Some(y) = fields.get("year").and_then(Json::as_i64) {
                return match self.lang {
                    Lang::En => y.to_string(),
                    Lang::Zh => format!("{y}年度"),
                };
            }
        }
        let named = fields.contains_key("staff_id") || fields.contains_key("code");
        let parts = fields
            .iter()
            .filter(|(field, _)| match field.as_str() {
                // Row ids beside the natural key, and an exemption's own number (its dates say which).
                "learner_id" | "id" => !named,
                "exemption" => false,
                _ => true,
            })
            .map(|(field, value)| match field.as_str() {
                "id" => format!("{} {}", self.entity(entity), plain(value)),
                _ => self.field(entity, field, value),
            })
            .collect();
        self.join(parts)
    }

    /// A row's values before and after. Of an update, only the fields it changed (all of them
    /// when it changed none a reader is shown).
    pub fn values(&self, entity: &str, key: &Json, old: Option<&Json>, new: Option<&Json>) -> (String, String) {
        if let (Some(before), Some(after)) = (old.and_then(Json::as_object), new.and_then(Json::as_object)) {
            let differs = |f: &String| before.get(f.as_str()) != after.get(f.as_str());
            let b: Vec<_> = shown_fields(before).filter(|(f, _)| differs(f)).collect();
            let a: Vec<_> = shown_fields(after).filter(|(f, _)| differs(f)).collect();
            if !b.is_empty() || !a.is_empty() {
                return (self.fields(entity, key, b.into_iter()), self.fields(entity, key, a.into_iter()));
            }
        }
        let all = |v: Option<&Json>| v.map_or_else(String::new, |v| self.value_of(entity, key, v));
        (all(old), all(new))
    }

    /// A stored value: an object's fields, or a deleted learner's whole history (an object of
    /// lists of records, by table).
    fn value_of(&self, entity: &str, key: &Json, value: &Json) -> String {
        let Some(fields) = value.as_object() else { return plain(value) };
        if fields.values().all(Json::is_array) && !fields.is_empty() {
            let lists = fields
                .iter()
                .filter_map(|(table, rows)| {
                    let rows = rows.as_array()?;
                    (!rows.is_empty()).then(|| {
                        let each: Vec<String> = rows.iter().map(|r| self.value_of(table, &Json::Null, r)).collect();
                        let each = each.join(self.pick("; ", "；"));
                        match self.lang {
                            Lang::En => format!("{} ({each})", self.entity(table)),
                            Lang::Zh => format!("{}（{each}）", self.entity(table)),
                        }
                    })
                })
                .collect::<Vec<_>>();
            return lists.join(self.pick("; ", "；"));
        }
        self.fields(entity, key, shown_fields(fields))
    }

    fn fields<'v>(&self, entity: &str, key: &Json, fields: impl Iterator<Item = (&'v String, &'v Json)>) -> String {
        self.join(fields.map(|(f, v)| self.field_in(entity, key, f, v)).collect())
    }

    fn join(&self, parts: Vec<String>) -> String {
        parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(self.pick(", ", "，"))
    }

    fn field_in(&self, entity: &str, key: &Json, field: &str, value: &Json) -> String {
        if entity == "rule" && field == "value" {
            let rule = key.get("name").and_then(Json::as_str).unwrap_or_default();
            let shown = match value.as_i64() {
                None => self.pick("no cap", "不设上限").to_string(),
                Some(n) if rule == crate::credit::MAX_ABSENCES => n.to_string(),
                Some(n) => Fixed(n).to_string(),
            };
            return format!("{} {shown}", self.pick("value", "值"));
        }
        self.field(entity, field, value)
    }

    /// One field, labelled: `学时 1.5`, `出勤 迟到`, `支部 NK1`.
    fn field(&self, entity: &str, field: &str, value: &Json) -> String {
        let label = self.label(entity, field);
        let shown = match (field, value) {
            // A role granted the whole school, not a branch of it.
            ("branch", Json::Null) if entity == "grant" => self.pick("school-wide", "全院").to_string(),
            // A record with no hours of its own is credited the session's.
            ("hours", Json::Null) if entity == "attendance" => self.pick("the session's", "按课次学时").to_string(),
            (_, Json::Null) => self.pick("none", "无").to_string(),
            (_, Json::Bool(b)) => self.pick(if *b { "yes" } else { "no" }, if *b { "是" } else { "否" }).to_string(),
            ("hours" | "pass_mark" | "score" | "first" | "second" | "third" | "merit", Json::Number(n)) => {
                n.as_i64().map_or_else(|| n.to_string(), |h| Fixed(h).to_string())
            }
            ("learner_id", Json::Number(n)) => self.id("learner", &self.names.learners, n),
            ("branch_id", Json::Number(n)) => self.id("branch", &self.names.branches, n),
            ("course_id", Json::Number(n)) => self.id("course", &self.names.courses, n),
            ("assessment_id", Json::Number(n)) => self.id("assessment", &self.names.assessments, n),
            ("sha256", Json::String(s)) => format!("{}…", s.chars().take(12).collect::<String>()),
            (_, Json::String(s)) => self.code(entity, field, s),
            (_, other) => plain(other),
        };
        format!("{label} {shown}")
    }

    /// A row id of `table` as what it stood for when the row was logged: the record a later
    /// delete logged (a SQLite row id may since have been given again), else today's; an id whose
    /// record is gone unlogged as `#35`.
    fn id(&self, table: &str, names: &HashMap<i64, String>, n: &serde_json::Number) -> String {
        let Some(id) = n.as_i64() else { return format!("#{n}") };
        let deleted = self
            .names
            .gone
            .get(&(table.to_string(), id))
            .and_then(|deletes| deletes.iter().find(|(at, _)| *at >= self.row).map(|(_, name)| name.clone()));
        deleted.or_else(|| names.get(&id).cloned()).unwrap_or_else(|| format!("#{n}"))
    }

    /// A stored code in the chosen language; any other text as it is.
    fn code(&self, entity: &str, field: &str, text: &str) -> String {
        fn word<T: std::str::FromStr + Copy + Into<(&'static str, &'static str)>>(
            text: &str,
            lang: Lang,
        ) -> Option<String> {
            let (en, zh) = text.parse::<T>().ok()?.into();
            Some(lang.pick(en, zh).to_string())
        }
        let lang = self.lang;
        let found = match (entity, field) {
            (_, "status") => word::<Status>(text, lang),
            (_, "category") => word::<Category>(text, lang),
            (_, "mode") => word::<Mode>(text, lang),
            (_, "award") => word::<Award>(text, lang),
            ("course", "kind") => word::<CourseKind>(text, lang),
            ("assessment", "kind") => word::<AssessmentKind>(text, lang),
            ("import_batch", "kind") => crate::import::kind_of_code(text).map(|(en, zh)| lang.pick(en, zh).to_string()),
            _ => None,
        };
        found.unwrap_or_else(|| text.to_string())
    }

    /// A field's name as people say it.
    fn label(&self, entity: &str, field: &str) -> String {
        let (en, zh) = match (entity, field) {
            (_, "staff_id") => ("staff id", "工号"),
            (_, "learner_id") => ("staff id", "工号"),
            ("branch", "name") => ("name", "名称"),
            (_, "name") => ("name", "姓名"),
            (_, "branch_id" | "branch") => ("branch", "支部"),
            (_, "category") => ("category", "类别"),
            (_, "joined") => ("joined", "加入日期"),
            (_, "left_on") => ("left", "离开日期"),
            (_, "session_id") => ("session", "课次"),
            (_, "course_id") => ("course", "课程"),
            (_, "assessment_id") => ("assessment", "考核"),
            (_, "status") => ("status", "出勤"),
            (_, "hours") => ("hours", "学时"),
            (_, "date") => ("date", "日期"),
            (_, "days") => ("days", "天数"),
            (_, "to_date") => ("to", "截止日期"),
            (_, "source") => ("source", "来源"),
            (_, "score") => ("score", "成绩"),
            (_, "award") => ("award", "奖项"),
            ("branch", "code") => ("code", "代码"),
            ("course", "code") => ("code", "课程代码"),
            (_, "code") => ("code", "编号"),
            (_, "title") => ("title", "名称"),
            ("course", "kind") => ("kind", "课程类型"),
            ("import_batch", "kind") => ("kind", "导入类型"),
            (_, "kind") => ("kind", "类型"),
            (_, "mode") => ("mode", "教学方式"),
            (_, "teacher") => ("teacher", "授课人"),
            (_, "pass_mark") => ("pass mark", "及格分"),
            (_, "first") => ("first prize", "一等奖"),
            (_, "second") => ("second prize", "二等奖"),
            (_, "third") => ("third prize", "三等奖"),
            (_, "merit") => ("merit award", "优秀奖"),
            (_, "from_date") => ("from", "起始日期"),
            (_, "start") => ("start", "开始"),
            (_, "end") => ("end", "结束"),
            (_, "reason") => ("reason", "原因"),
            (_, "file") => ("file", "文件"),
            (_, "sha256") => ("SHA-256", "SHA-256"),
            (_, "new") => ("new", "新增"),
            (_, "unchanged") => ("unchanged", "未变"),
            (_, "updated") => ("updated", "更新"),
            (_, "undone") => ("undone", "已撤销"),
            (_, "role") => ("role", "角色"),
            (_, "read_only") => ("read only", "只读"),
            (_, "year") => ("year", "年度"),
            (_, "at") => ("at", "时间"),
            (_, "operator") => ("operator", "操作人"),
            _ => return field.to_string(),
        };
        self.pick(en, zh).to_string()
    }
}

fn shown_fields(fields: &Map<String, Json>) -> impl Iterator<Item = (&String, &Json)> {
    fields.iter().filter(|(f, _)| !UNSHOWN.contains(&f.as_str()))
}

/// A JSON value as text: a string without its quotes.
fn plain(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        let mut n = Names::default();
        n.learners.insert(1, "0017".into());
        n.branches.insert(2, "WK1".into());
        n.courses.insert(1, "DS01".into());
        n.assessments.insert(5, "Q9".into());
        n
    }

    #[test]
    fn keys_name_records_by_staff_ids_and_codes() {
        let n = names();
        let zh = Words { names: &n, lang: Lang::Zh, row: 1 };
        let en = Words { names: &n, lang: Lang::En, row: 1 };
        assert_eq!(zh.key("attendance", &json!({"session_id": 16, "learner_id": 1})), "课次 16，工号 0017");
        assert_eq!(en.key("result", &json!({"assessment_id": 5, "learner_id": 9})), "assessment Q9, staff id #9");
        assert_eq!(zh.key("session", &json!({"id": 16})), "课次 16");
        assert_eq!(zh.key("course", &json!({"code": "DS01", "id": 1})), "课程代码 DS01");
        assert_eq!(
            zh.key("category_change", &json!({"staff_id": "0017", "learner_id": 1, "from_date": "2025-11-01"})),
            "工号 0017，起始日期 2025-11-01"
        );
        assert_eq!(zh.key("rule", &json!({"name": "member", "from_year": 2025})), "正式党员学时要求，2025年起");
        assert_eq!(en.key("rule", &json!({"name": "online_cap", "from_year": 0})), "online-cap, every year");
        assert_eq!(
            zh.values("grant", &json!({"role": "nk1"}), None, Some(&json!({"branch": null}))),
            (String::new(), "支部 全院".into())
        );
        assert_eq!(zh.key("closed_year", &json!({"year": 2024})), "2024年度");
        assert_eq!(zh.key("exemption", &json!({"staff_id": "0017", "learner_id": 1, "exemption": 2})), "工号 0017");
    }

    #[test]
    fn values_read_as_hours_and_words_and_an_update_shows_what_it_changed() {
        let n = names();
        let zh = Words { names: &n, lang: Lang::Zh, row: 1 };
        let en = Words { names: &n, lang: Lang::En, row: 1 };
        let key = json!({"id": 16});
        let old = json!({"course_id": 1, "date": "2025-11-03", "hours": 200, "days": 1, "batch_id": null});
        let new = json!({"course_id": 1, "date": "2025-11-03", "hours": 250, "days": 1, "batch_id": null});
        assert_eq!(zh.values("session", &key, Some(&old), Some(&new)), ("学时 2".into(), "学时 2.5".into()));
        assert_eq!(
            zh.values("attendance", &key, None, Some(&json!({"status": "late", "hours": 150}))),
            (String::new(), "出勤 迟到，学时 1.5".into())
        );
        assert_eq!(
            en.values("assessment", &key, None, Some(&json!({"kind": "quiz", "pass_mark": 6000, "first": 50}))),
            (String::new(), "kind quiz, pass mark 60, first prize 0.5".into())
        );
        // Only the batch changed: every field is shown, not nothing.
        let (b, a) = zh.values(
            "learner",
            &key,
            Some(&json!({"name": "王伟", "batch_id": 1})),
            Some(&json!({"name": "王伟", "batch_id": null})),
        );
        assert_eq!((b.as_str(), a.as_str()), ("姓名 王伟", "姓名 王伟"));
        assert_eq!(
            zh.values("learner", &key, Some(&json!({"left_on": null})), Some(&json!({"left_on": "2025-11-25"}))),
            ("离开日期 无".into(), "离开日期 2025-11-25".into())
        );
        let rule = json!({"name": "online_cap", "from_year": 0});
        assert_eq!(
            zh.values("rule", &rule, Some(&json!({"value": null})), Some(&json!({"value": 1200}))),
            ("值 不设上限".into(), "值 12".into())
        );
        let rule = json!({"name": "max_absences", "from_year": 0});
        assert_eq!(en.values("rule", &rule, None, Some(&json!({"value": 2}))), (String::new(), "value 2".into()));
        assert_eq!(
            zh.values("branch_change", &key, None, Some(&json!({"branch_id": 2}))),
            (String::new(), "支部 WK1".into())
        );
    }

    #[test]
    fn a_deleted_learner_reads_as_their_records() {
        let n = names();
        let zh = Words { names: &n, lang: Lang::Zh, row: 1 };
        let old = json!({"learner": [{"staff_id": "9999", "name": "测试", "branch_id": 2, "category": "member",
                                      "joined": null, "left_on": null, "batch_id": null}],
                         "spell": [], "exemption": [{"from_date": "2025-01-01", "to_date": "2025-02-01", "reason": "病假"}]});
        let (before, after) = zh.values("learner", &json!({"staff_id": "9999"}), Some(&old), None);
        assert_eq!(
            before,
            "学员（工号 9999，姓名 测试，支部 WK1，类别 正式党员，加入日期 无，离开日期 无）；\
             免修期（起始日期 2025-01-01，截止日期 2025-02-01，原因 病假）"
        );
        assert_eq!(after, "");
    }

    #[test]
    fn an_id_given_again_names_what_it_was_when_the_row_was_logged() {
        let mut n = names();
        // Learner 1 (0002) deleted at log row 7; id 1 is 0017's today.
        n.gone.insert(("learner".into(), 1), vec![(7, "0002".into())]);
        let key = json!({"session_id": 3, "learner_id": 1});
        let before = Words { names: &n, lang: Lang::En, row: 5 };
        assert_eq!(before.key("attendance", &key), "session 3, staff id 0002");
        let after = Words { names: &n, lang: Lang::En, row: 9 };
        assert_eq!(after.key("attendance", &key), "session 3, staff id 0017");
    }
}
