//! The fixed vocabularies of SPEC §1 and §3: each code, its Chinese name, and the words that
//! sheets and command lines use for it. One macro so that parsing and naming never drift apart.

use std::fmt;
use std::str::FromStr;

use crate::hours::Hours;
use crate::msg::Msg;

/// Which vocabulary a word was looked up in (its name in messages is in the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Category,
    CourseKind,
    Mode,
    Status,
    AssessmentKind,
    Award,
}

/// An unknown word for a vocabulary; says which words are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    pub what: Vocabulary,
    pub word: String,
    pub accepted: String,
    /// For a word people write that means none of the codes (群众 as a category): what to write
    /// instead, said in place of the list of accepted words.
    pub instead: Option<Box<Msg>>,
}

impl UnknownWord {
    /// The message that says it.
    pub fn msg(self) -> Msg {
        Msg::UnknownWord { word: self }
    }
}

impl fmt::Display for UnknownWord {
    /// In English, for clap's own error printer and tests.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.clone().msg().en())
    }
}

impl std::error::Error for UnknownWord {}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, {
        $($variant:ident => $code:literal, $zh:literal, [$($alias:literal),*];)+
    } $(refused { $($refused:literal => $instead:expr;)+ })?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and printed in JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese name printed in Chinese reports.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            fn words(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$code, $zh $(, $alias)*]),+ }
            }

            /// Every accepted word, for error messages.
            pub fn accepted() -> String {
                $name::ALL.iter().flat_map(|v| v.words().iter().copied()).collect::<Vec<_>>().join(" ")
            }

            /// What to write instead of a word people write for this that means none of its codes.
            #[allow(clippy::match_single_binding)]
            fn refused(word: &str) -> Option<Msg> {
                match word {
                    $($($refused => Some($instead),)+)?
                    _ => None,
                }
            }

            /// The code or any Chinese word for it, case-insensitive, trimmed.
            pub fn parse(word: &str) -> Result<$name, UnknownWord> {
                let w = word.trim();
                $name::ALL.iter().copied().find(|v| v.words().iter().any(|a| a.eq_ignore_ascii_case(w))).ok_or_else(
                    || UnknownWord {
                        what: Vocabulary::$name,
                        word: w.to_string(),
                        accepted: $name::accepted(),
                        instead: $name::refused(w).map(Box::new),
                    },
                )
            }

            /// The name in the report's language.
            pub fn label(self, lang: crate::Lang) -> &'static str {
                match lang { crate::Lang::Zh => self.zh(), crate::Lang::En => self.code() }
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> { $name::parse(s) }
        }

        impl From<$name> for (&'static str, &'static str) {
            fn from(v: $name) -> Self { (v.code(), v.zh()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { f.write_str(self.code()) }
        }
    };
}

vocabulary!(
    /// 人员类别: what kind of learner, which fixes the yearly requirement.
    Category, {
        // 中共党员, 中共预备党员, 共青团员: how a roster's 政治面貌 column writes them (SPEC v2 §3).
        Member => "member", "正式党员", ["党员", "中共党员"];
        Cadre => "cadre", "党员干部", ["支部书记", "支部委员", "支部书记和委员", "干部"];
        Probationary => "probationary", "预备党员", ["中共预备党员"];
        Candidate => "candidate", "发展对象", [];
        Activist => "activist", "入党积极分子", ["积极分子"];
        Youth => "youth", "先进团员青年", ["团员青年", "团员", "共青团员"];
    }
    refused {
        // 政治面貌 群众: not a party or league member, so none of the categories by that word.
        "群众" => Msg::MassesCategory;
    }
);

vocabulary!(
    /// 课程类型.
    CourseKind, {
        Theory => "theory", "党性教育基本课", ["基本课"];
        Extension => "extension", "拓展课", [];
        Topic => "topic", "专题课", [];
    }
);

vocabulary!(
    /// 教学方式.
    Mode, {
        Offline => "offline", "线下", [];
        Online => "online", "线上", ["线上集中"];
        Field => "field", "现场教学", ["外出教学", "现场/外出教学"];
        Joint => "joint", "医联体", ["联合培训", "医联体联合培训"];
    }
);

vocabulary!(
    /// 出勤: one learner at one session.
    Status, {
        // The words offices really write (SPEC v2 §3), and DingTalk's 打卡结果 (正常, 迟到, 缺卡,
        // 旷工, 严重迟到, 未打卡). 早退 (left early) is late: the hours column gives what was earned.
        Present => "present", "出席", [
            "到", "已到", "签到", "已签到", "√", "✓", "✔", "1", "yes", "y", "到会", "正常", "是", "参加", "已参加"
        ];
        Late => "late", "迟到", ["早退", "严重迟到"];
        Excused => "excused", "请假", ["假", "病假", "事假", "公假", "出差", "因公请假"];
        Absent => "absent", "缺席", [
            "未到", "缺", "×", "✗", "✘", "0", "no", "n", "缺勤", "缺卡", "旷课", "否", "未参加", "旷工", "未打卡"
        ];
    }
);

vocabulary!(
    /// 考核类型.
    AssessmentKind, {
        Quiz => "quiz", "知识测试", ["测试"];
        Contest => "contest", "知识竞赛", ["竞赛"];
        Essay => "essay", "征文比赛", ["征文"];
    }
);

vocabulary!(
    /// 奖项: an award level, worth the assessment's bonus for that level.
    Award, {
        First => "first", "一等奖", [];
        Second => "second", "二等奖", [];
        Third => "third", "三等奖", [];
        Merit => "merit", "优秀奖", [];
    }
);

impl Status {
    /// Present and late records earn the session's hours.
    pub fn attended(self) -> bool {
        matches!(self, Status::Present | Status::Late)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_words_parse() {
        let cases: &[(&str, Status)] = &[
            ("present", Status::Present),
            ("PRESENT", Status::Present),
            ("√", Status::Present),
            ("✓", Status::Present),
            ("✔", Status::Present),
            ("✘", Status::Absent),
            ("已签到", Status::Present),
            ("1", Status::Present),
            ("Y", Status::Present),
            ("迟到", Status::Late),
            ("假", Status::Excused),
            ("请假", Status::Excused),
            ("×", Status::Absent),
            ("✗", Status::Absent),
            ("未到", Status::Absent),
            (" 0 ", Status::Absent),
        ];
        for (word, want) in cases {
            assert_eq!(Status::parse(word), Ok(*want), "{word}");
        }
        assert_eq!(Category::parse("支部书记"), Ok(Category::Cadre));
        assert_eq!(Category::parse("团员"), Ok(Category::Youth));
        assert_eq!(CourseKind::parse("基本课"), Ok(CourseKind::Theory));
        assert_eq!(Mode::parse("线上集中"), Ok(Mode::Online));
        assert_eq!(Mode::parse("外出教学"), Ok(Mode::Field));
        assert_eq!(Award::parse("优秀奖"), Ok(Award::Merit));
    }

    /// SPEC v2 §3: the words offices and DingTalk write, and a roster's 政治面貌.
    #[test]
    fn the_words_offices_really_write() {
        let statuses: &[(&str, Status)] = &[
            ("到会", Status::Present),
            ("正常", Status::Present),
            ("是", Status::Present),
            ("参加", Status::Present),
            ("已参加", Status::Present),
            ("迟到", Status::Late),
            ("早退", Status::Late),
            ("严重迟到", Status::Late),
            ("病假", Status::Excused),
            ("事假", Status::Excused),
            ("公假", Status::Excused),
            ("出差", Status::Excused),
            ("因公请假", Status::Excused),
            ("缺勤", Status::Absent),
            ("缺卡", Status::Absent),
            ("旷课", Status::Absent),
            ("旷工", Status::Absent),
            ("未打卡", Status::Absent),
            ("否", Status::Absent),
            ("未参加", Status::Absent),
        ];
        for (word, want) in statuses {
            assert_eq!(Status::parse(word), Ok(*want), "{word}");
        }
        let categories: &[(&str, Category)] = &[
            ("中共党员", Category::Member),
            ("中共预备党员", Category::Probationary),
            ("共青团员", Category::Youth),
            ("干部", Category::Cadre),
        ];
        for (word, want) in categories {
            assert_eq!(Category::parse(word), Ok(*want), "{word}");
        }
    }

    #[test]
    fn a_refused_word_says_what_to_write_instead() {
        let err = Category::parse(" 群众 ").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"群众\" is not a known category: a 群众 (not a party or league member) is enrolled as an activist 入党积极分子 or a candidate 发展对象: write the one the school enrols them as"
        );
        assert_eq!(Status::parse("群众").unwrap_err().instead, None, "refused words belong to one vocabulary");
    }

    #[test]
    fn unknown_words_list_the_accepted_ones() {
        let err = Status::parse("maybe").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"maybe\""), "{text}");
        assert!(text.contains("迟到") && text.contains("absent"), "{text}");
    }

    #[test]
    fn every_word_belongs_to_one_code() {
        for v in Status::ALL {
            for w in v.words() {
                assert_eq!(Status::parse(w), Ok(*v), "{w}");
            }
        }
        for v in Category::ALL {
            for w in v.words() {
                assert_eq!(Category::parse(w), Ok(*v), "{w}");
            }
        }
    }
}

/// The largest score or pass mark accepted.
pub const MAX_SCORE: i64 = 100_000;

/// Checks a record's own hours: only present or late records carry them, within the session's.
pub fn check_own_hours(status: Status, own: Option<Hours>, session_hours: Hours) -> Result<(), Msg> {
    match own {
        Some(hours) if !status.attended() => Err(Msg::NoHoursOnStatus { status, hours }),
        Some(hours) if hours > session_hours => Err(Msg::OwnHoursAboveSession { hours, session: session_hours }),
        _ => Ok(()),
    }
}

/// The summary of a write: `3 new, 1 unchanged, 0 updated`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub new: i64,
    pub unchanged: i64,
    pub updated: i64,
}
