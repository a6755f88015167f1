//! The schools of a PostgreSQL server, each in its own schema (`school_<code>`; the `public`
//! schema is the server's default school): what `report schools` reads, one school after another
//! in one snapshot.

use crate::db::{params, Engine, Tx};
use crate::error::{Error, Problem, Result};
use crate::msg::Msg;
use crate::store::ledger::{self, YearData};

/// The name the default school (the `public` schema) goes by in the table of schools.
pub const DEFAULT_SCHOOL: &str = "public";

/// Every school of the server with its schema, by code: the schemas that hold xueshi's tables.
/// The default school (the `public` schema) has no code.
pub fn schools(tx: &Tx) -> Result<Vec<(Option<String>, String)>> {
    if tx.engine() != Engine::Postgres {
        return Err(Error::usage(Msg::ServerOnly { command: "report schools".into() }));
    }
    tx.all(
        "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
         WHERE c.relname = 'schema_version' AND c.relkind = 'r'
           AND (n.nspname = ?1 OR n.nspname LIKE 'school\\_%')
         ORDER BY n.nspname = ?1 DESC, n.nspname",
        params![DEFAULT_SCHOOL],
        |r| {
            let schema: String = r.get(0)?;
            let code = schema.strip_prefix("school_").map(str::to_string);
            Ok((code, schema))
        },
    )
}

/// The year report's data of every school, by code (none: the default school), read in the
/// transaction's one snapshot: the transaction's search path moves from school to school (and
/// stays on the last).
pub fn year_data(tx: &Tx, year: i32) -> Result<Vec<(Option<String>, YearData)>> {
    let mut out = Vec::new();
    for (code, schema) in schools(tx)? {
        tx.batch(&format!("SET LOCAL search_path TO \"{}\"", schema.replace('"', "\"\"")))?;
        // A school the role may not read is named, not left out: the table would then be wrong.
        // Without the schema's use its tables are not even found.
        let unreadable = |detail: String| {
            Error::invalid(match &code {
                Some(code) => Msg::SchoolNotReadable { school: code.clone(), detail },
                None => Msg::DefaultSchoolNotShown { detail },
            })
        };
        let usable: bool = tx.one("SELECT has_schema_privilege(?1, 'USAGE')", params![schema], |r| r.get(0))?;
        if !usable {
            return Err(unreadable(format!("permission denied for schema {schema}")));
        }
        let data = ledger::year_data(tx, year).map_err(|e| match e {
            Error::Invalid(problems) => match problems.as_slice() {
                [Problem { place: None, message: Msg::NotGranted { detail } }] => unreadable(detail.clone()),
                _ => Error::Invalid(problems),
            },
            other => other,
        })?;
        out.push((code, data));
    }
    Ok(out)
}
