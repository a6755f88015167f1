//! Where SQLite's and PostgreSQL's SQL differ, the one place that knows both spellings. The store
//! writes everything else once, in what the two share (`IS DISTINCT FROM`, `RETURNING`, `CASE WHEN`
//! for a comparison read as a number, `CAST(SUM(…) AS BIGINT)`).

use super::Engine;

impl Engine {
    /// `INSERT … VALUES … ` that skips rows whose key is stored: SQLite's OR IGNORE (which, unlike
    /// ON CONFLICT, spares a statement journal: see `store::bulk`), PostgreSQL's ON CONFLICT.
    pub fn insert_ignoring(self, table: &str, columns: &str, values: &str) -> String {
        match self {
            Engine::Sqlite => format!("INSERT OR IGNORE INTO {table} ({columns}) VALUES {values}"),
            Engine::Postgres => format!("INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING"),
        }
    }

    /// A JSON object of `(name, SQL expression)` pairs, as text: compact and in the order given,
    /// as SQLite's json_object and serde_json write it (`{"id":1,"name":"x"}`), so that the audit
    /// log reads the same on both engines and a key built here equals one written by the program.
    /// (PostgreSQL's json_build_object would write `{"id" : 1, …}`.)
    pub fn json_object<'a>(self, pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
        match self {
            Engine::Sqlite => {
                let pairs: Vec<String> = pairs.map(|(name, column)| format!("'{name}', {column}")).collect();
                format!("json_object({})", pairs.join(", "))
            }
            Engine::Postgres => {
                let pairs: Vec<String> = pairs
                    .map(|(name, column)| format!("'\"{name}\":' || COALESCE(to_json({column})::text, 'null')"))
                    .collect();
                format!("('{{' || {} || '}}')", pairs.join(" || ',' || "))
            }
        }
    }

    /// Field `field` of the JSON text in `column`, as text (numbers as their digits).
    pub fn json_text(self, column: &str, field: &str) -> String {
        match self {
            Engine::Sqlite => format!("json_extract({column}, '$.{field}')"),
            Engine::Postgres => format!("({column}::jsonb ->> '{field}')"),
        }
    }

    /// Field `field` of the JSON text in `column`, as an integer.
    pub fn json_int(self, column: &str, field: &str) -> String {
        match self {
            Engine::Sqlite => format!("json_extract({column}, '$.{field}')"),
            Engine::Postgres => format!("({column}::jsonb ->> '{field}')::bigint"),
        }
    }

    /// Whether the text in `column` has a character other than an ASCII digit.
    pub fn has_non_digit(self, column: &str) -> String {
        match self {
            Engine::Sqlite => format!("{column} GLOB '*[^0-9]*'"),
            Engine::Postgres => format!("{column} ~ '[^0-9]'"),
        }
    }

    /// A query that moves table `table`'s identity past id `?1` after rows were given their ids:
    /// PostgreSQL's sequence would hand them out again; SQLite's next row id is always past the
    /// largest, so it needs none.
    pub fn identity_past(self, table: &str) -> Option<String> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some(format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?1)")),
        }
    }

    /// A statement that refreshes the planner's statistics of `table` after a large import:
    /// PostgreSQL plans by them (a table it believes small gets a plan for a small one until its
    /// autovacuum comes round); SQLite's plans here need none.
    pub fn analyze(self, table: &str) -> Option<String> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some(format!("ANALYZE {table}")),
        }
    }

    /// A query of the references `check` looks into row by row, as (table, column, parent table,
    /// parent column): on SQLite the foreign keys its own check finds broken (a file written with
    /// them not enforced), which names no row of a table without row ids; on PostgreSQL those the
    /// server has not checked on every row itself, the foreign keys a large import added back
    /// `NOT VALID` (see `store::bulk::LearnerIndex`).
    pub fn references_to_check(self) -> &'static str {
        match self {
            Engine::Sqlite => {
                "SELECT DISTINCT k.\"table\", f.\"from\", f.\"table\", f.\"to\"
                 FROM pragma_foreign_key_check k JOIN pragma_foreign_key_list(k.\"table\") f ON f.id = k.fkid
                 ORDER BY 1, 2"
            }
            Engine::Postgres => {
                "SELECT c.conrelid::regclass::text, a.attname::text, c.confrelid::regclass::text, p.attname::text
                 FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                 JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1]
                 WHERE c.contype = 'f' AND NOT c.convalidated
                   AND c.connamespace = current_schema()::regnamespace
                 ORDER BY 1, 2"
            }
        }
    }

    /// A query of one index's definition (`CREATE INDEX …`) by its name, `?1`. On PostgreSQL only
    /// an index the role may drop (its table's owner's): a granted role (`grant`) keeps the index.
    pub fn index_definition(self) -> &'static str {
        match self {
            Engine::Sqlite => "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
            Engine::Postgres => {
                "SELECT i.indexdef FROM pg_indexes i JOIN pg_tables t USING (schemaname, tablename)
                 WHERE i.schemaname = current_schema() AND i.indexname = ?1
                   AND pg_has_role(t.tableowner, 'USAGE')"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_spells_its_own() {
        let pairs = || [("id", "s.id")].into_iter();
        assert_eq!(Engine::Sqlite.json_object(pairs()), "json_object('id', s.id)");
        assert_eq!(
            Engine::Postgres.json_object(pairs()),
            "('{' || '\"id\":' || COALESCE(to_json(s.id)::text, 'null') || '}')"
        );
        assert_eq!(
            Engine::Postgres.insert_ignoring("t", "a, b", "(?1, ?2)"),
            "INSERT INTO t (a, b) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
        );
    }
}
