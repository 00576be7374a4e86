#!/usr/bin/env python3
"""The compile-time benchmark (issue #21): an app of N routes in each style, the edits a user makes.

    bench/compile/measure.py                      # N = 10 100 1000, every style, 3 rounds
    bench/compile/measure.py --n 10 100 --rounds 3 --label before
    bench/compile/measure.py --n 100 --frameworks ours-attr,axum --measures handler,check
    bench/compile/measure.py --n 1000 --frameworks ours-attr,ours-toml --rounds 0   # build + serve only
    bench/compile/measure.py --deps --n --rounds 0  # crates and cold build of the library vs axum
    bench/compile/measure.py --cookie-route /tmp/before --label before   # another checkout

For each N, every app is generated (gen.py) and warmed up: `cargo build`, `cargo build
--release` and `cargo check` with its dependencies, in one target dir per framework (ours:
per checkout) kept between rounds and N. Each app then answers one request (`GET
/r1/42` with a `session` cookie: status, body and `Set-Cookie` attributes checked), which
proves the generated code (not `ours-floor`, which declares no route, and has no path edits
either). Then ROUNDS interleaved rounds (round 1 of every app, then round
2, the apps' order rotated each round), each round taking these measures of each app:

    handler     edit the body of route N/2's handler (its text grows or shrinks), `cargo build`
    path        edit route N/2's path, same length (/r50/ <-> /s50/), `cargo build`
    path-len    edit route N/2+1's path, another length (/r51/ <-> /rr51/), `cargo build`
    check       touch src/main.rs, `cargo check` (after an untimed check of the current text)
    release     touch src/main.rs, `cargo build --release` (rebuilds the app crate only)
    first-debug `cargo clean -p APP`, `cargo build`: the app crate's first debug build

Each is the wall-clock time of the cargo command. Every rustc call goes through
bench/compile/rustc-wrapper, which runs the app crate's rustc under GNU time: the peak
resident memory of that process (or of the linker it waits for, if larger), per build.
Then `cargo llvm-lines` of each app at the N of --llvm-lines (default: every N run): total LLVM IR
lines, lines per route ((lines at N - lines at the smallest N) / (N - smallest N) when two N
were counted, else lines / N), and the top functions.

Writes target/results/compile-LABEL-TIMESTAMP.{json,md} (under bench/compile/) and prints
the markdown. Standard library only; needs cargo, GNU time (/usr/bin/time) and, for the IR
lines, cargo-llvm-lines (`cargo install cargo-llvm-lines`).
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402

HERE = gen.HERE
MEASURES = ["handler", "check", "release", "first-debug", "path", "path-len"]
MEASURE_TEXT = {
    "handler": "editing one handler's body, `cargo build`",
    "check": "`cargo check` after a touch",
    "release": "`cargo build --release` of the app crate (touch)",
    "first-debug": "first debug build of the app crate (`cargo clean -p`)",
    "path": "editing one route's path, same length, `cargo build`",
    "path-len": "editing one route's path, length changes, `cargo build`",
}
FW_TEXT = {
    "ours-attr": "ours, attributes",
    "ours-toml": "ours, routes.toml",
    "ours-build": "ours, routes.toml by build script",
    "axum": "axum 0.8",
    "axum-serde": "axum 0.8, records with `derive(Serialize)`",
    "ours-floor": "ours' app, no route declared",
    "actix": "actix-web 4",
    "rocket": "Rocket 0.5",
}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def fw_text(fw):
    base, _, tag = fw.partition("@")
    return FW_TEXT[base] + (f" ({tag})" if tag else "")


class App:
    """One generated app; `fw` is a framework of gen.py, or `ours-*@before` (--before)."""

    def __init__(self, fw, n, root, checkout):
        self.id, self.n = fw, n
        fw = fw.partition("@")[0]
        self.fw = fw
        self.ours = fw.startswith("ours")
        if self.ours:
            real = str(Path(checkout).resolve())
            key = "ours-" + hashlib.sha1(real.encode()).hexdigest()[:8]
        else:
            # The reference style shares axum's dependencies (and target dir).
            key = "axum" if fw == "axum-serde" else fw
        self.checkout = checkout
        self.dir = gen.write_app(fw, n, root / "apps" / key, checkout)
        gen.reset(self.dir, fw, n)
        self.target = root / "build" / key
        self.crate = gen.crate_name(fw, n)
        self.memlog = self.target / f"mem-{self.crate}.log"

    def env(self, mem=True):
        e = dict(os.environ)
        for k in ("RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "RUSTC_WORKSPACE_WRAPPER"):
            e.pop(k, None)
        e["CARGO_TARGET_DIR"] = str(self.target)
        e["RUSTC_WRAPPER"] = str(HERE / "rustc-wrapper")
        e["CARGO_TERM_COLOR"] = "never"
        e["CT_MEM_CRATE"] = self.crate if mem else ""
        e["CT_MEM_LOG"] = str(self.memlog)
        return e

    def cargo(self, *args, check=True):
        """Runs cargo in the app; returns (seconds, peak KiB of the app's rustc or None)."""
        self.target.mkdir(parents=True, exist_ok=True)
        self.memlog.unlink(missing_ok=True)
        t0 = time.perf_counter()
        p = subprocess.run(["cargo", *args], cwd=self.dir, env=self.env(), capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if check and p.returncode != 0:
            raise RuntimeError(f"{self.id} N={self.n}: cargo {' '.join(args)} failed:\n{p.stderr[-4000:]}")
        peak = None
        if self.memlog.exists():
            vals = [int(line.split()[0]) for line in self.memlog.read_text().split("\n") if line.strip()[:1].isdigit()]
            peak = max(vals) if vals else None
        return dt, peak

    def touch(self):
        os.utime(self.dir / "src" / "main.rs")

    def measure(self, m):
        if m in ("handler", "path", "path-len"):
            gen.toggle(self.dir, self.fw, self.n, m)
            return self.cargo("build")
        if m == "check":
            self.cargo("check")
            self.touch()
            return self.cargo("check")
        if m == "release":
            self.touch()
            return self.cargo("build", "--release")
        if m == "first-debug":
            self.cargo("clean", "-p", self.crate)
            return self.cargo("build")
        raise ValueError(m)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smoke(app):
    """Serves the debug build and checks one answer; raises on any difference."""
    port = free_port()
    exe = app.target / "debug" / app.crate
    env = dict(os.environ, PORT=str(port), ROCKET_LOG_LEVEL="off", RUST_LOG="off")
    proc = subprocess.Popen([str(exe)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/r1/42", headers={"Cookie": "theme=dark; session=abc"})
                with urllib.request.urlopen(req, timeout=5) as r:
                    status, body, cookies = r.status, r.read().decode(), r.headers.get_all("Set-Cookie") or []
                break
            except (ConnectionError, urllib.error.URLError, socket.timeout):
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app.id} N={app.n}: the app did not answer on port {port}")
                time.sleep(0.2)
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        if json.loads(body) != {"id": 42, "name": "abc"}:
            problems.append(f"body {body!r}")
        if len(cookies) != 1:
            problems.append(f"Set-Cookie {cookies!r}")
        else:
            attrs = [a.strip().lower() for a in cookies[0].split(";")]
            want = ["last_seen=42", "max-age=3600", "httponly", "samesite=lax", "path=/"]
            missing = [w for w in want if w not in attrs]
            if missing:
                problems.append(f"Set-Cookie {cookies[0]!r} lacks {missing}")
        if problems:
            raise RuntimeError(f"{app.id} N={app.n}: GET /r1/42 answered wrong: {'; '.join(problems)}")
        return {"status": status, "body": body, "set_cookie": cookies[0]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def llvm_lines(app):
    app.target.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(
        ["cargo", "llvm-lines", "--bin", app.crate], cwd=app.dir, env=app.env(mem=False), capture_output=True, text=True
    )
    if p.returncode != 0:
        raise RuntimeError(f"{app.id} N={app.n}: cargo llvm-lines failed:\n{p.stderr[-3000:]}")
    total, top = None, []
    for line in p.stdout.splitlines():
        # "  LINES                COPIES             (TOTAL)", then
        # "  LINES (PCT%, CUM%)   COPIES (PCT%, CUM%)  NAME"
        m = re.match(r"\s*(\d+)\s+(?:\([^)]*\)\s+)?(\d+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not m:
            continue
        lines, copies, name = int(m[1]), int(m[2]), m[3].strip()
        if name == "(TOTAL)":
            total = (lines, copies)
        elif len(top) < 15:
            top.append({"lines": lines, "copies": copies, "name": name})
    return {"lines": total[0], "copies": total[1], "top": top}


def revision(checkout):
    """The checkout's short commit, and whether the library's sources differ from it."""
    git = ["git", "-C", str(checkout)]
    top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, text=True).stdout.strip()
    if not top or Path(top).resolve() != checkout:
        return "(not a git checkout)"
    lib = ["--", "runtime", "codegen", "macros", "core", "Cargo.lock"]
    rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    last = subprocess.run([*git, "log", "-1", "--format=%h", *lib], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", *lib], capture_output=True, text=True).stdout.strip()
    return rev + (f" (library last changed in {last})" if last and last != rev else "") + (" + uncommitted changes" if dirty else "")


def per_route(ll):
    """LLVM IR lines per route: the slope from the smallest N counted, else lines / N."""
    if not ll:
        return
    small = min(ll, key=int)
    for n, per in ll.items():
        for f, e in per.items():
            if n != small and f in ll[small]:
                e["per_route"] = (e["lines"] - ll[small][f]["lines"]) / (int(n) - int(small))
            else:
                e["per_route"] = e["lines"] / int(n)


def load_average():
    return os.getloadavg()[0]


def med(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- the library's dependencies

HELLO = {
    "ours": (
        """use cookie_route::prelude::*;

#[cookie_route(GET "/")]
async fn hello() -> &'static str {
    "Hello, World!"
}

#[tokio::main]
async fn main() -> Result<(), cookie_route::StartError> {
    App::declared().serve("127.0.0.1:8000").await
}
""",
        """[dependencies]
cookie-route = {{ path = "{runtime}" }}
tokio = {{ version = "1.40", features = ["rt-multi-thread", "macros"] }}
""",
    ),
    "axum": (
        """use axum::{Router, routing::get};

async fn hello() -> &'static str {
    "Hello, World!"
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/", get(hello));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    axum::serve(listener, app).await
}
""",
        """[dependencies]
axum = "0.8"
tokio = { version = "1.40", features = ["rt-multi-thread", "macros", "net"] }
""",
    ),
}


def cold_build(cwd, args, target):
    """A build in a fresh target dir: (seconds, crates compiled)."""
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_TERM_COLOR="never")
    env.pop("RUSTC_WRAPPER", None)
    env.pop("RUSTFLAGS", None)
    t0 = time.perf_counter()
    p = subprocess.run(["cargo", "build", "--message-format=json", *args], cwd=cwd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"cold build in {cwd} failed:\n{p.stderr[-3000:]}")
    pkgs = set()
    for line in p.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact":
            pkgs.add(msg["package_id"])
    shutil.rmtree(target, ignore_errors=True)
    return dt, len(pkgs)


def deps(root, checkout):
    out = {}
    log("cold build: cargo build -p cookie-route")
    dt, n = cold_build(checkout, ["-p", "cookie-route"], root / "build" / "cold")
    out["cookie-route library"] = {"seconds": dt, "crates": n, "command": "cargo build -p cookie-route"}
    if "\nhttp2 = " in (Path(checkout) / "runtime" / "Cargo.toml").read_text():
        log("cold build: cargo build -p cookie-route --no-default-features")
        args = ["-p", "cookie-route", "--no-default-features"]
        dt, n = cold_build(checkout, args, root / "build" / "cold")
        out["cookie-route library, no default features (HTTP/1.1 only)"] = {
            "seconds": dt,
            "crates": n,
            "command": "cargo build -p cookie-route --no-default-features",
        }
    for name, (main, deps_toml) in HELLO.items():
        d = root / "apps" / f"hello-{name}" if name != "ours" else root / "apps" / ("hello-ours-" + hashlib.sha1(str(Path(checkout).resolve()).encode()).hexdigest()[:8])
        (d / "src").mkdir(parents=True, exist_ok=True)
        (d / "src" / "main.rs").write_text(main)
        runtime = (Path(checkout) / "runtime").resolve()
        (d / "Cargo.toml").write_text(
            f'[package]\nname = "hello-{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
            + (deps_toml.format(runtime=runtime) if name == "ours" else deps_toml)
            + "\n[workspace]\n"
        )
        lock = Path(checkout) / "Cargo.lock" if name == "ours" else gen.BENCH / "Cargo.lock"
        if not (d / "Cargo.lock").exists():
            shutil.copyfile(lock, d / "Cargo.lock")
        log(f"cold build: hello-{name}")
        dt, n = cold_build(d, [], root / "build" / "cold")
        out[f"hello, {name}"] = {"seconds": dt, "crates": n, "command": f"cargo build (hello-{name}: one route, tokio)"}
    return out


# ---------------------------------------------------------------- report


def fmt_s(xs):
    if not xs:
        return "-"
    m = med(xs)
    return f"{m:.2f} s ({min(xs):.2f}–{max(xs):.2f})" if len(xs) > 1 else f"{m:.2f} s"


def report(res):
    fws, ns, measures = res["frameworks"], res["n"], res["measures"]
    head = "| after | " + " | ".join(fw_text(f) for f in fws) + " |"
    sep = "|---|" + "---:|" * len(fws)
    out = []
    out.append(
        f"{res['label']}: cookie-route at {res['cookie_route_rev']} ({res['cookie_route']})"
        + (f", before: {res['before_rev']} ({res['before']})" if res.get("before") else "")
        + f", {res['started']}–{res['finished']} UTC, "
        f"{res['nproc']} CPUs, {res['rustc']}, load average {res['load_min']:.1f}–{res['load_max']:.1f}; "
        f"median of {res['rounds']} interleaved rounds (lowest–highest), ratio to axum's median."
    )
    ns = [n for n in ns if str(n) in res["runs"]]
    for n in ns:
        runs = res["runs"][str(n)]
        if not any(runs[f]["times"][m] for f in fws for m in measures):
            continue
        out += ["", f"**N = {n}**", "", head, sep]
        for m in measures:
            ax = med(runs["axum"]["times"][m]) if "axum" in runs else None
            cells = []
            for f in fws:
                xs = runs[f]["times"][m]
                c = fmt_s(xs)
                if xs and ax and f != "axum":
                    c += f", {med(xs) / ax:.2f}x"
                cells.append(c)
            out.append(f"| {MEASURE_TEXT[m]} | " + " | ".join(cells) + " |")
        if "first-debug" in measures:
            cells = []
            for f in fws:
                ks = runs[f]["peak_kib"]["first-debug"]
                cells.append(f"{med(ks) / 1024:.0f} MiB" if ks else "-")
            out.append("| peak memory of the app crate's rustc, first debug build | " + " | ".join(cells) + " |")
    ll = res.get("llvm_lines") or {}
    if ll:
        out += ["", "**LLVM IR lines** (`cargo llvm-lines`, debug; per route: the slope between the smallest and this N)", ""]
        out += ["| N | " + " | ".join(fw_text(f) for f in fws) + " |", sep]
        for n in sorted(ll, key=int):
            cells = []
            for f in fws:
                e = ll[n].get(f)
                if not e:
                    cells.append("-")
                    continue
                c = f"{e['lines']:,} ({e['per_route']:,.0f}/route"
                if f != "axum" and ll[n].get("axum"):
                    c += f", {e['per_route'] / ll[n]['axum']['per_route']:.2f}x"
                cells.append(c + ")")
            out.append(f"| {n} | " + " | ".join(cells) + " |")
        n = max(ll, key=int)
        if True:
            for f in fws:
                if f.startswith("ours") and ll[n].get(f):
                    out += ["", f"Top of `cargo llvm-lines` for {fw_text(f)}, N = {n}:", "", "| lines | copies | function |", "|---:|---:|---|"]
                    for t in ll[n][f]["top"][:10]:
                        out.append(f"| {t['lines']:,} | {t['copies']:,} | `{t['name']}` |")
    if len(ns) > 1:
        out += ["", "**Growth** (median at the larger N over the median at the smaller)", ""]
        out += ["| measure | N | " + " | ".join(fw_text(f) for f in fws) + " |", "|---|---|" + "---:|" * len(fws)]
        for m in measures:
            for a, b in zip(ns, ns[1:]):
                ra, rb = res["runs"][str(a)], res["runs"][str(b)]
                cells = []
                for f in fws:
                    xa, xb = ra[f]["times"][m], rb[f]["times"][m]
                    cells.append(f"{med(xb) / med(xa):.2f}x" if xa and xb else "-")
                if any(c != "-" for c in cells):
                    out.append(f"| {m} | {a} → {b} | " + " | ".join(cells) + " |")
    if res.get("deps"):
        out += ["", "**Dependencies**: a cold `cargo build` (debug) in a fresh target dir", "", "| what | crates compiled | time |", "|---|---:|---:|"]
        for k, v in res["deps"].items():
            out.append(f"| {k} | {v['crates']} | {v['seconds']:.1f} s |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="*", default=[10, 100, 1000], help="routes per app (default 10 100 1000)")
    ap.add_argument("--frameworks", default=",".join(gen.FRAMEWORKS), help="comma-separated: " + ",".join(gen.FRAMEWORKS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--measures", default=",".join(MEASURES), help="comma-separated: " + ",".join(MEASURES))
    ap.add_argument("--llvm-lines", type=int, nargs="*", default=None, help="N at which to count LLVM IR lines (default: every N run; none given: no count)")
    ap.add_argument("--deps", action="store_true", help="also count crates and time cold builds of the library and of axum")
    ap.add_argument("--no-smoke", action="store_true", help="do not serve each app once")
    ap.add_argument("--cookie-route", default=str(gen.REPO), help="the cookie-route checkout ours builds against (default: this repository)")
    ap.add_argument("--before", help="another cookie-route checkout (e.g. `git archive REV | tar -x -C /tmp/before`): "
                    "its ours-attr and ours-toml apps join the same interleaved rounds, as ours-attr@before and ours-toml@before")
    ap.add_argument("--label", default="", help="names the run in the output (e.g. before, after)")
    ap.add_argument("--root", default=str(HERE / "target"), help="apps, target dirs and results (default bench/compile/target)")
    args = ap.parse_args()

    fws = args.frameworks.split(",")
    if args.before:
        # A checkout from before cookie-route-build has no build-script style.
        has_build = (Path(args.before) / "build" / "Cargo.toml").exists()
        fws += [
            f + "@before"
            for f in fws
            if f.startswith("ours") and f != "ours-floor" and (f != "ours-build" or has_build)
        ]
    measures = [m for m in args.measures.split(",") if m]
    for f in fws:
        assert f.partition("@")[0] in gen.FRAMEWORKS, f"unknown framework {f}"
    for m in measures:
        assert m in MEASURES, f"unknown measure {m}"
    root = Path(args.root).resolve()
    checkout = Path(args.cookie_route).resolve()
    before = Path(args.before).resolve() if args.before else None
    for c in (checkout, before):
        if c is not None and not (c / "runtime" / "Cargo.toml").exists():
            sys.exit(f"{c} is not a cookie-route checkout (no runtime/Cargo.toml)")
    rev = revision(checkout)
    label = args.label or rev
    stamp = datetime.datetime.now(datetime.timezone.utc)
    res = {
        "label": label,
        "cookie_route": str(checkout),
        "cookie_route_rev": rev,
        "before": str(before) if before else None,
        "before_rev": revision(before) if before else None,
        "started": stamp.strftime("%Y-%m-%d %H:%M"),
        "nproc": os.cpu_count(),
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
        "frameworks": fws,
        "n": args.n,
        "rounds": args.rounds,
        "measures": measures,
        "runs": {},
        "loads": [],
        "llvm_lines": {},
    }
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    base = results / f"compile-{label.replace(' ', '_').replace('/', '_')}-{stamp.strftime('%Y%m%dT%H%M%S')}"

    def save():
        per_route(res["llvm_lines"])
        res["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M")
        loads = res["loads"] or [load_average()]
        res["load_min"], res["load_max"] = min(loads), max(loads)
        base.with_suffix(".json").write_text(json.dumps(res, indent=1))
        base.with_suffix(".md").write_text(report(res))

    for n in args.n:
        apps = [App(f, n, root, before if f.endswith("@before") else checkout) for f in fws]
        runs = res["runs"][str(n)] = {
            a.id: {"times": {m: [] for m in measures}, "peak_kib": {m: [] for m in measures}, "warmup": {}, "versions": {}} for a in apps
        }
        for a in apps:
            for what, cmd in (("build", ["build"]), ("release", ["build", "--release"]), ("check", ["check"])):
                if what != "build" and (args.rounds == 0 or what not in measures):
                    continue  # only the builds the measures start from
                log(f"warm-up {a.id} N={n}: cargo {' '.join(cmd)}")
                dt, peak = a.cargo(*cmd)
                runs[a.id]["warmup"][what] = dt
                runs[a.id].setdefault("warmup_peak_kib", {})[what] = peak
            lock = (a.dir / "Cargo.lock").read_text()
            for crate in ("axum", "axum-extra", "actix-web", "rocket", "hyper", "tokio", "serde", "syn"):
                vs = [blk.split('version = "')[1].split('"')[0] for blk in lock.split("[[package]]") if f'name = "{crate}"\n' in blk]
                if vs:
                    runs[a.id]["versions"][crate] = vs
            if not args.no_smoke and a.fw != "ours-floor":  # the floor serves no route
                runs[a.id]["smoke"] = smoke(a)
                log(f"smoke {a.id} N={n}: {runs[a.id]['smoke']}")
        save()
        for r in range(args.rounds):
            order = apps[r % len(apps):] + apps[: r % len(apps)]
            for a in order:
                res["loads"].append(load_average())
                for m in measures:
                    if m in ("path", "path-len") and m not in gen.toggles(a.fw, n):
                        continue  # the floor has no path to edit
                    dt, peak = a.measure(m)
                    runs[a.id]["times"][m].append(dt)
                    if peak is not None:
                        runs[a.id]["peak_kib"][m].append(peak)
                    log(f"round {r + 1} {a.id} N={n} {m}: {dt:.2f} s" + (f", peak {peak / 1024:.0f} MiB" if peak else ""))
            save()
        if n in (args.n if args.llvm_lines is None else args.llvm_lines):
            if shutil.which("cargo-llvm-lines") is None:
                log("cargo-llvm-lines is not installed: `cargo install cargo-llvm-lines`; no IR lines counted")
            else:
                res["llvm_lines"][str(n)] = {}
                for a in apps:
                    log(f"llvm-lines {a.id} N={n}")
                    res["llvm_lines"][str(n)][a.id] = llvm_lines(a)
        for a in apps:
            gen.reset(a.dir, a.fw, n)
        save()
    if args.deps:
        res["deps"] = deps(root, checkout)
    save()
    print(report(res))
    log(f"wrote {base}.json and .md")


if __name__ == "__main__":
    sys.exit(main())
