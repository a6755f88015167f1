-- xueshi schema, version 1 (PRAGMA user_version = 1).
-- Hours, scores and pass marks are integer hundredths: 1.5 学时 is stored as 150.
-- Dates are ISO-8601 text (YYYY-MM-DD), so text order is date order.
-- A shipped version is never edited in place: a change is a new step in src/db.rs.

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
