"""Load test: gunicorn on 127.0.0.1 with the demo data, and a realistic mix of users at once.

    python bench/load.py                                   # SQLite (a fresh file), 60 s, 12 users
    python bench/load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_load
    python bench/load.py --seconds 30 --users 20 --workers 4

The database is emptied, migrated and loaded with the demo; gunicorn serves it with `--workers`
processes. Virtual users (threads, each with its own session cookie) then loop, with a short
think time, over what they would do:

- village operators of the villages still planning: open the plan, edit a proposal (the
  edit form as the browser sends it, with CSRF), ask for a suggestion (a solve);
- the village in its rembuk: re-solve on the projector board, look at the board;
- kecamatan officers and the kabupaten admin: read the dashboards and a village's plan.

Prints, per kind of request and in total: count, requests per second, p50/p95/p99 latency and
errors (HTTP 5xx or no answer). A 409 (someone else saved the same proposal first) is counted
as a conflict, which is the intended answer, not an error; other 4xx answers are counted apart
(there should be none: every request in the mix is allowed and well-formed).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
PASSWORD = "demo12345"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url):
    """Empty the database, migrate, load the demo; return the ids the users need."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from planner import create_app
    from planner.extensions import db
    from planner.models import Plan, Proposal, Region, RembukSession

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load", "JOB_CONSUMER": "immediate"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        from planner.demo.data import load_demo
        from planner.services.plans import default_plan_year

        with app.test_request_context():
            load_demo()
        year = default_plan_year()
        plans = db.session.execute(select(Plan.id, Plan.status, Region.name, Region.code)
                                   .join(Region, Region.id == Plan.desa_id).where(Plan.year == year)).all()
        drafts = [(pid, name) for pid, status, name, _code in plans if status == "draft"]
        proposals = {pid: db.session.scalars(select(Proposal.id).where(Proposal.plan_id == pid)).all()
                     for pid, _name in drafts}
        session = db.session.scalar(select(RembukSession).where(RembukSession.status == "open")
                                    .join(Plan).where(Plan.year == year))
        meeting = (session.id, session.plan.desa.name) if session else None
        by_kecamatan = {}
        for pid, _status, _name, code in plans:
            by_kecamatan.setdefault(code.rsplit(".", 1)[0], pid)
    return {"drafts": drafts, "proposals": proposals, "meeting": meeting, "plans": by_kecamatan, "year": year}


class FormReader(HTMLParser):
    """The fields of the first form in a fragment, as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea, self._text = [], None, None, ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.fields.append((name, chosen if chosen is not None else (first or "")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


class User:
    def __init__(self, base, stats, username):
        self.base, self.stats = base, stats
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""
        page = self.request("login", "GET", "/masuk")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page or "")
        self.request("login", "POST", "/masuk", {"csrf_token": token.group(1) if token else "",
                                                 "username": username, "password": PASSWORD})

    def request(self, kind, method, path, data=None, htmx=False):
        headers = {"X-CSRFToken": self.csrf} if method == "POST" else {}
        if htmx:
            headers["HX-Request"] = "true"
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.perf_counter()
        status, text = None, ""
        try:
            with self.opener.open(urllib.request.Request(self.base + path, body, headers, method=method),
                                  timeout=120) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError):
            status = None
        self.stats.add(kind, time.perf_counter() - started, status)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return text


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.conflicts = defaultdict(int)
        self.refused = defaultdict(int)

    def add(self, kind, seconds, status):
        with self.lock:
            self.times[kind].append(seconds)
            if status is None or status >= 500:
                self.errors[kind] += 1
            elif status == 409:
                self.conflicts[kind] += 1
            elif status >= 400:
                self.refused[kind] += 1


def operator(base, stats, ids, stop, rng):
    plan_id, village = rng.choice(ids["drafts"])
    user = User(base, stats, f"desa.{village.lower()}")
    while not stop.is_set():
        user.request("plan page", "GET", f"/rencana/{plan_id}")
        roll = rng.random()
        if roll < 0.5 and ids["proposals"][plan_id]:
            proposal = rng.choice(ids["proposals"][plan_id])
            form = user.request("proposal edit form", "GET", f"/usulan/{proposal}/ubah", htmx=True)
            reader = FormReader()
            reader.feed(form)
            fields = dict(reader.fields)
            if "notes" in fields:
                fields["notes"] = f"Dicek {time.strftime('%H:%M:%S')}"
                user.request("proposal save", "POST", f"/usulan/{proposal}/ubah", fields, htmx=True)
        else:
            user.request("solve", "POST", f"/rencana/{plan_id}/hitung", {}, htmx=True)
        time.sleep(rng.uniform(0.5, 2.0))


def rembuk(base, stats, ids, stop, rng):
    sid, village = ids["meeting"]
    user = User(base, stats, f"desa.{village.lower()}")
    while not stop.is_set():
        user.request("rembuk board", "GET", f"/rembuk/{sid}/layar")
        user.request("rembuk re-solve", "POST", f"/rembuk/{sid}/hitung", {}, htmx=True)
        time.sleep(rng.uniform(1.0, 3.0))


def officer(base, stats, ids, stop, rng):
    username, path, kecamatan = rng.choice([("kec.peterongan", "/kecamatan/35.17.09/dasbor", "35.17.09"),
                                            ("kec.jombang", "/kecamatan/35.17.10/dasbor", "35.17.10"),
                                            ("admin", "/kabupaten/35.17/dasbor", "35.17.10")])
    user = User(base, stats, username)
    while not stop.is_set():
        user.request("dashboard", "GET", f"{path}?tahun={ids['year']}")
        user.request("dashboard", "GET", f"{path}?tahun={ids['year'] - 1}")
        user.request("plan page", "GET", f"/rencana/{ids['plans'][kecamatan]}")
        time.sleep(rng.uniform(0.5, 2.0))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url, label, seconds, users, workers, seed):
    ids = prepare(url)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="load-test-secret")
    server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "planner:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        stats, stop = Stats(), threading.Event()
        rng = random.Random(seed)
        roles = []
        for k in range(users):
            roles.append(rembuk if k == 0 and ids["meeting"] else operator if k % 2 else officer)
        threads = [threading.Thread(target=role, args=(base, stats, ids, stop, random.Random(rng.random())))
                   for role in roles]
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\n{label}: {users} users, {workers} gunicorn workers, {elapsed:.0f} s")
    print("| request | count | per second | p50 | p95 | p99 | errors (5xx) | conflicts (409) | other 4xx |")
    print("|---|---|---|---|---|---|---|---|---|")
    every = []
    for kind in sorted(stats.times):
        values = stats.times[kind]
        every += values
        print(f"| {kind} | {len(values)} | {len(values) / elapsed:.1f} | {percentile(values, 50) * 1000:.0f} ms "
              f"| {percentile(values, 95) * 1000:.0f} ms | {percentile(values, 99) * 1000:.0f} ms "
              f"| {stats.errors[kind]} | {stats.conflicts[kind]} | {stats.refused[kind]} |")
    print(f"| **all** | {len(every)} | {len(every) / elapsed:.1f} | {percentile(every, 50) * 1000:.0f} ms "
          f"| {percentile(every, 95) * 1000:.0f} ms | {percentile(every, 99) * 1000:.0f} ms "
          f"| {sum(stats.errors.values())} | {sum(stats.conflicts.values())} | {sum(stats.refused.values())} |")
    return sum(stats.errors.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database is emptied and used")
    args = parser.parse_args()
    if args.postgres:
        errors = run(args.postgres, "PostgreSQL", args.seconds, args.users, args.workers, args.seed)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            errors = run(f"sqlite:///{tmp}/load.db", "SQLite", args.seconds, args.users, args.workers, args.seed)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
