-- xueshi schema, version 1 (PRAGMA user_version = 1).
-- Hours, scores and pass marks are integer hundredths: 1.5 学时 is stored as 150.
-- Dates are ISO-8601 text (YYYY-MM-DD), so text order is date order.
-- Each `-- @step N` line starts the step that takes a database from version N-1 to N; a shipped
-- step is never edited in place: a change is a new step at the end.

-- Facts about the database itself, e.g. ('origin', 'demo') for one that `xueshi demo` may replace.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE branch (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

CREATE TABLE learner (
    id        INTEGER PRIMARY KEY,
    staff_id  TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    branch_id INTEGER NOT NULL REFERENCES branch(id),
    category  TEXT NOT NULL CHECK (category IN
                  ('member', 'cadre', 'probationary', 'candidate', 'activist', 'youth')),
    joined    TEXT,
    left_on   TEXT,
    batch_id  INTEGER REFERENCES import_batch(id)
);
CREATE INDEX learner_branch ON learner(branch_id);

CREATE TABLE course (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    title    TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('theory', 'extension', 'topic')),
    mode     TEXT NOT NULL CHECK (mode IN ('offline', 'online', 'field', 'joint')),
    hours    INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 2400),
    batch_id INTEGER REFERENCES import_batch(id)
);

CREATE TABLE session (
    id        INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES course(id),
    date      TEXT NOT NULL,
    hours     INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 2400),
    teacher   TEXT,
    batch_id  INTEGER REFERENCES import_batch(id)
);
CREATE INDEX session_date ON session(date);
CREATE INDEX session_course_date ON session(course_id, date);

-- hours is NULL when the record is credited the session's hours (the default), so that a later
-- change of the session's hours reaches every default-credited record.
CREATE TABLE attendance (
    session_id INTEGER NOT NULL REFERENCES session(id),
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    -- OR, not IN: an IN list makes SQLite build a temporary table on every insert.
    status     TEXT NOT NULL CHECK (status = 'present' OR status = 'late' OR status = 'excused' OR status = 'absent'),
    hours      INTEGER CHECK (hours BETWEEN 0 AND 2400),
    batch_id   INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (session_id, learner_id)
) WITHOUT ROWID;
CREATE INDEX attendance_learner ON attendance(learner_id);

CREATE TABLE assessment (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('quiz', 'contest', 'essay')),
    date      TEXT NOT NULL,
    hours     INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 2400),
    pass_mark INTEGER NOT NULL DEFAULT 6000,
    first     INTEGER NOT NULL DEFAULT 0,
    second    INTEGER NOT NULL DEFAULT 0,
    third     INTEGER NOT NULL DEFAULT 0,
    merit     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE result (
    assessment_id INTEGER NOT NULL REFERENCES assessment(id),
    learner_id    INTEGER NOT NULL REFERENCES learner(id),
    score         INTEGER,
    award         TEXT CHECK (award = 'first' OR award = 'second' OR award = 'third' OR award = 'merit'),
    batch_id      INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (assessment_id, learner_id)
) WITHOUT ROWID;
CREATE INDEX result_learner ON result(learner_id);

CREATE TABLE online (
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    date       TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    hours      INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 2400),
    batch_id   INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (learner_id, date, source)
) WITHOUT ROWID;

-- Category requirements and the online cap; a NULL online_cap means no cap.
CREATE TABLE rule (
    name  TEXT PRIMARY KEY,
    hours INTEGER
);
INSERT INTO rule (name, hours) VALUES
    ('member', 3200), ('cadre', 5600), ('probationary', 3200),
    ('candidate', 2400), ('activist', 2400), ('youth', 1600), ('online_cap', NULL);

CREATE TABLE import_batch (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    file      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    new       INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    updated   INTEGER NOT NULL DEFAULT 0,
    operator  TEXT NOT NULL,
    at        TEXT NOT NULL,
    undone    INTEGER NOT NULL DEFAULT 0
);

-- Every change of a stored record: who, when, what, the old and the new values (JSON).
-- Rows an import adds carry their batch id instead of one audit row each; the batch is logged.
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    batch_id INTEGER REFERENCES import_batch(id),
    entity   TEXT NOT NULL,
    key      TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    old      TEXT,
    new      TEXT
);
CREATE INDEX audit_batch ON audit(batch_id);

-- @step 2 ---------------------------------------------------------------------------------------
-- Version 2 (SPEC v2): dated lives, rules by year, closed years, multi-day sessions, online
-- totals. learner.joined/left_on stay the first enrolment spell; learner.category/branch_id the
-- values from the start.

-- Enrolment spells after the first (`learner return`): from `start`, until `end` (NULL: still).
CREATE TABLE spell (
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    start      TEXT NOT NULL,
    end        TEXT,
    PRIMARY KEY (learner_id, start)
) WITHOUT ROWID;

-- Dated changes of category and branch (`learner set … --from DATE`, `import learners --from`).
CREATE TABLE category_change (
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    from_date  TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category IN
                   ('member', 'cadre', 'probationary', 'candidate', 'activist', 'youth')),
    batch_id   INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (learner_id, from_date)
) WITHOUT ROWID;

CREATE TABLE branch_change (
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    from_date  TEXT NOT NULL,
    branch_id  INTEGER NOT NULL REFERENCES branch(id),
    batch_id   INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (learner_id, from_date)
) WITHOUT ROWID;
CREATE INDEX branch_change_branch ON branch_change(branch_id);

-- Date ranges during which nothing is required (病假, 产假, 年老体弱).
CREATE TABLE exemption (
    id         INTEGER PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL CHECK (to_date >= from_date),
    reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exemption_learner ON exemption(learner_id);

-- Rules by year: a value holds from `from_year` on (0: every year) until a later row.
-- Requirements and the online cap are hundredths (NULL cap: none); max_absences is a count.
CREATE TABLE rule_by_year (
    name      TEXT NOT NULL,
    from_year INTEGER NOT NULL,
    value     INTEGER,
    PRIMARY KEY (name, from_year)
) WITHOUT ROWID;
INSERT INTO rule_by_year (name, from_year, value) SELECT name, 0, hours FROM rule;
INSERT INTO rule_by_year (name, from_year, value) VALUES ('max_absences', 0, 0);
DROP TABLE rule;

-- Years whose appraisal is issued: nothing may change their figures.
CREATE TABLE closed_year (
    year     INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    operator TEXT NOT NULL
);

-- Multi-day sessions and online totals lift v1's 24-hour checks: the three tables are rebuilt
-- (SQLite cannot alter a CHECK), with the same rows, keys and indexes.
-- A session lasts `days` days (a 5-day 集中轮训 is one session), at most 24 hours a day.
CREATE TABLE session_v2 (
    id        INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES course(id),
    date      TEXT NOT NULL,
    hours     INTEGER NOT NULL CHECK (hours >= 0 AND hours <= 2400 * days),
    teacher   TEXT,
    batch_id  INTEGER REFERENCES import_batch(id),
    days      INTEGER NOT NULL DEFAULT 1 CHECK (days BETWEEN 1 AND 366)
);
INSERT INTO session_v2 (id, course_id, date, hours, teacher, batch_id)
    SELECT id, course_id, date, hours, teacher, batch_id FROM session;

CREATE TABLE attendance_v2 (
    session_id INTEGER NOT NULL REFERENCES session(id),
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    status     TEXT NOT NULL CHECK (status = 'present' OR status = 'late' OR status = 'excused' OR status = 'absent'),
    hours      INTEGER CHECK (hours >= 0),
    batch_id   INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (session_id, learner_id)
) WITHOUT ROWID;
INSERT INTO attendance_v2 SELECT session_id, learner_id, status, hours, batch_id FROM attendance;

-- An online total for a month or a year carries `to_date`: credited on it, at most 24 hours a day.
CREATE TABLE online_v2 (
    learner_id INTEGER NOT NULL REFERENCES learner(id),
    date       TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    hours      INTEGER NOT NULL CHECK (hours >= 0),
    batch_id   INTEGER REFERENCES import_batch(id),
    to_date    TEXT CHECK (to_date >= date),
    PRIMARY KEY (learner_id, date, source)
) WITHOUT ROWID;
INSERT INTO online_v2 (learner_id, date, source, hours, batch_id)
    SELECT learner_id, date, source, hours, batch_id FROM online;

DROP TABLE attendance;
DROP TABLE online;
DROP TABLE session;
ALTER TABLE session_v2 RENAME TO session;
ALTER TABLE attendance_v2 RENAME TO attendance;
ALTER TABLE online_v2 RENAME TO online;
CREATE INDEX session_date ON session(date);
CREATE INDEX session_course_date ON session(course_id, date);
CREATE INDEX attendance_learner ON attendance(learner_id);
