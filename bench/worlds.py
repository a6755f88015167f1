"""Random schools full of changing lives, for the contract checker's `lives` and `notices` stages.

  bench/worlds.py FIRST LAST OUTDIR      writes OUTDIR/wFIRST.json … wLAST-1.json
  bench/worlds.sh N                       writes N worlds and checks the release binary on each

Every record lies within its learner's enrolment (the program refuses others), so that each world
can be built by commands; the expected reports come from ../shared/check/oracle.py.
"""
import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "shared" / "check"))
import oracle  # noqa: E402
def d(s): return dt.date.fromisoformat(s)
def rnd_date(r, y0=2024, y1=2025):
    start = dt.date(y0, 1, 1); end = dt.date(y1, 12, 31)
    return start + dt.timedelta(days=r.randrange((end - start).days + 1))
def gen(seed):
    r = random.Random(seed)
    cats = ["member", "cadre", "probationary", "candidate", "activist", "youth"]
    branches = [{"code": c, "name": n} for c, n in [("NK1", "内科一支部"), ("WK1", "外科一支部"), ("YJ", "医技支部")]]
    learners = []
    for i in range(18):
        l = {"staff_id": f"{i+1:04d}", "name": f"学员{i+1}", "branch": r.choice(branches)["code"], "category": r.choice(cats)}
        if r.random() < 0.3: l["joined"] = rnd_date(r, 2023, 2025).isoformat()
        start = d(l["joined"]) if "joined" in l else dt.date(2023, 1, 1)
        if r.random() < 0.3:
            left = start + dt.timedelta(days=r.randrange(1, 500))
            if left <= dt.date(2025, 12, 31):
                l["left"] = left.isoformat()
                if r.random() < 0.6:
                    ret = left + dt.timedelta(days=r.randrange(1, 200))
                    if ret <= dt.date(2025, 12, 31):
                        rr = {"date": ret.isoformat()}
                        if r.random() < 0.3:
                            l2 = ret + dt.timedelta(days=r.randrange(0, 200))
                            if l2 <= dt.date(2025, 12, 31): rr["left"] = l2.isoformat()
                        l["returns"] = [rr]
        changes = []
        for _ in range(r.choice([0, 0, 1, 2])):
            c = {"from": rnd_date(r).isoformat()}
            if r.random() < 0.5: c["category"] = r.choice(cats)
            else: c["branch"] = r.choice(branches)["code"]
            if all(x["from"] != c["from"] for x in changes): changes.append(c)
        if changes: l["changes"] = changes
        ex = []
        for _ in range(r.choice([0, 0, 1, 2])):
            a = rnd_date(r); b = a + dt.timedelta(days=r.randrange(0, 120))
            ex.append({"from": a.isoformat(), "to": b.isoformat(), "reason": "病假"})
        if ex: l["exemptions"] = ex
        learners.append(l)
    courses = [{"code": "T1", "title": "理论", "kind": "theory", "mode": "offline", "hours": 2},
               {"code": "E1", "title": "拓展", "kind": "extension", "mode": "offline", "hours": 1.5},
               {"code": "P1", "title": "专题", "kind": "topic", "mode": "field", "hours": 3}]
    sessions = []
    seen = set()
    for _ in range(14):
        c = r.choice(courses)["code"]; day = rnd_date(r)
        if (c, day) in seen: continue
        seen.add((c, day))
        s = {"course": c, "date": day.isoformat()}
        if r.random() < 0.15: s["days"] = 3; s["hours"] = 20
        elif r.random() < 0.2: s["hours"] = 2.5
        sessions.append(s)
    W = {"learners": learners}
    att = []
    for s in sessions:
        day = d(s["date"])
        for l in learners:
            if oracle.enrolled_on(l, day) and r.random() < 0.6:
                a = {"staff_id": l["staff_id"], "course": s["course"], "date": s["date"]}
                st = r.choice(["present"] * 5 + ["late", "excused", "absent"])
                a["status"] = st
                if st in ("present", "late") and r.random() < 0.15: a["hours"] = 1
                att.append(a)
    assessments = [{"code": "Q1", "title": "测试", "kind": "quiz", "date": rnd_date(r).isoformat(), "hours": 2, "pass_mark": 70},
                   {"code": "C1", "title": "竞赛", "kind": "contest", "date": rnd_date(r).isoformat(), "hours": 1, "awards": {"first": 3, "second": 2}}]
    results = []
    for a in assessments:
        for l in learners:
            if oracle.enrolled_on(l, d(a["date"])) and r.random() < 0.5:
                res = {"assessment": a["code"], "staff_id": l["staff_id"]}
                if a["kind"] == "quiz": res["score"] = r.choice([None, 50, 70, 95])
                else:
                    aw = r.choice([None, "first", "second", "third"])
                    if aw: res["award"] = aw
                results.append(res)
    online = []
    for l in learners:
        for k in range(r.choice([0, 1, 2, 3])):
            a = rnd_date(r)
            o = {"staff_id": l["staff_id"], "date": a.isoformat(), "hours": r.choice([1, 2.5, 6]), "source": f"平台{k}"}
            if r.random() < 0.3:
                b = a + dt.timedelta(days=r.randrange(1, 40)); o["to"] = b.isoformat(); o["hours"] = 30
                if not oracle.enrolled_on(l, b): continue
            if oracle.enrolled_on(l, a): online.append(o)
    w = {"years": [2024, 2025], "periods": ["2024-Q2", "2024-H2", "2025-03", "2025", "2025-Q4"],
         "branches": branches, "learners": learners, "courses": courses, "sessions": sessions,
         "attendance": att, "assessments": assessments, "results": results, "online": online,
         "rules": {"youth": 12} if r.random() < 0.5 else {}, "online_cap": r.choice([None, 8, 20]),
         "max_absences": r.choice([0, 1])}
    if r.random() < 0.6:
        w["rules_by_year"] = {"2025": {"member": 40, "online-cap": 10, "max-absences": 2}}
    return w
if __name__ == "__main__":
    out = Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    for seed in range(int(sys.argv[1]), int(sys.argv[2])):
        (out / f"w{seed}.json").write_text(json.dumps(gen(seed), ensure_ascii=False))
