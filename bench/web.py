"""Throughput of Werkstatt's pages on the production server, against a bare Django view.

    .venv/bin/python bench/web.py [--organisations 50000] [--no-postgres] [--only sqlite|postgres]
        [--keep DIR] [--duration 15] [--warmup 3] [--concurrency 8] [--client auto|wrk|python]
        [--visitors all|anonymous|member] [--profile]

For each database (a SQLite file; a throw-away PostgreSQL server from tests/with_postgres.py):
`migrate`, the demo network (`werkstatt demo --organisations N`, which also builds the search
index), `collectstatic`, then the production server `werkstatt serve` (gunicorn, its default
workers and threads; WERKSTATT_DEBUG and WERKSTATT_PRODUCTION off) on a free loopback port with
the settings in bench/web_settings.py: Werkstatt's own plus /bench/bare/, a plain view doing
`SELECT 1` through the same middleware and database (bench/web_urls.py). A second process drives
the load: `wrk` (Debian package wrk; installed with apt-get if missing and root) or, without it, a
Python client (threads, http.client keep-alive). Each URL gets a warm-up, then `--concurrency`
connections for `--duration` seconds. The directory pages are measured twice: for anonymous
visitors and for a logged-in member (the demo account mitglied@…: the requests carry its session
cookie and CSRF cookie, made with Django's own login). Prints requests/s, p50/p95 latency and
failures per URL and the ratio directory/bare for both kinds of visitor (target: at least 0.40,
issue 2). The bare view is measured first and again last; the ratios use the mean of both.

`--keep DIR` keeps the generated databases in DIR (a SQLite folder, a pg_dump file per size) and
reuses them next time. `--profile` also times the directory page in-process (Django test client,
same database) for both kinds of visitor and prints the top costs of the member's page (cProfile).

The anonymous API throttle is raised for the run (WERKSTATT_API_ANON_RATE), otherwise most API
requests would be answered 429.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
WERKSTATT = str(ROOT / ".venv" / "bin" / "werkstatt")
TARGET_RATIO = 0.40
# (label, path, visitor); "{profile}" is filled with a public organisation's slug once the server
# runs. visitor "member": the requests carry the session cookie (and CSRF cookie) of the demo
# member (mitglied@…, a purchaser's account), as a logged-in browser would.
DIRECTORY_COMBO = (
    "/netzwerk/?q=" + quote("Fräsen") + "&certification=ISO%209001&near=Chemnitz&radius_km=50"
)
URLS = [
    ("bare view", "/bench/bare/", "anonymous"),
    ("directory", "/netzwerk/", "anonymous"),
    ("directory q=Blech", "/netzwerk/?q=Blech", "anonymous"),
    ("directory combo", DIRECTORY_COMBO, "anonymous"),
    ("directory", "/netzwerk/", "member"),
    ("directory q=Blech", "/netzwerk/?q=Blech", "member"),
    ("directory combo", DIRECTORY_COMBO, "member"),
    ("profile page", "/netzwerk/o/{profile}/", "anonymous"),
    ("API organisations", "/api/v1/organisations/", "anonymous"),
    ("bare view (again)", "/bench/bare/", "anonymous"),
]
MEMBER_EMAIL = "mitglied@werkstatt.example"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


# --- Database and server -------------------------------------------------------------------


def base_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        WERKSTATT_DATA_DIR=str(data_dir),
        WERKSTATT_DEBUG="0",
        WERKSTATT_PRODUCTION="0",
        WERKSTATT_SECRET_KEY="bench-web-" + "x" * 50,
        WERKSTATT_API_ANON_RATE="100000000/minute",
        WERKSTATT_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="web_settings",
        PYTHONPATH=os.pathsep.join(
            [str(BENCH), str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def werkstatt(env: dict[str, str], *args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [WERKSTATT, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"werkstatt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet and result.stdout.strip():
        say("    " + result.stdout.strip().splitlines()[-1])
    return result.stdout


def organisation_count(env: dict[str, str]) -> int:
    out = werkstatt(
        env,
        "shell",
        "-c",
        "from werkstatt.network.models import Organisation; print(Organisation.objects.count())",
        quiet=True,
    )
    return int(out.strip().splitlines()[-1])


def generate(env: dict[str, str], count: int) -> None:
    started = time.monotonic()
    say(f"  migrate, then `werkstatt demo --organisations {count}` …")
    werkstatt(env, "migrate", "-v0")
    werkstatt(env, "demo", "--organisations", str(count))
    say(f"  data set ready in {time.monotonic() - started:.0f} s")


@contextlib.contextmanager
def sqlite_database(args: argparse.Namespace) -> Iterator[dict[str, str]]:
    if args.keep:
        data_dir = Path(args.keep).resolve() / f"sqlite-{args.organisations}"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = base_env(data_dir, None)
        if (data_dir / ".complete").exists():
            say(f"  reusing {data_dir} ({organisation_count(env)} organisations)")
            werkstatt(env, "migrate", "-v0")
        else:
            generate(env, args.organisations)
            (data_dir / ".complete").touch()
        yield env
        return
    tmp = Path(tempfile.mkdtemp(prefix="werkstatt-bench-web-"))
    try:
        env = base_env(tmp, None)
        generate(env, args.organisations)
        yield env
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def postgres_database(args: argparse.Namespace) -> Iterator[dict[str, str]]:
    from tests.with_postgres import _bindir, postgres_server

    tmp = Path(tempfile.mkdtemp(prefix="werkstatt-bench-web-"))
    try:
        with postgres_server() as url:
            env = base_env(tmp, url)
            dump = (
                Path(args.keep).resolve() / f"postgres-{args.organisations}.dump"
                if args.keep
                else None
            )
            if dump and dump.exists():
                say(f"  restoring {dump} …")
                subprocess.run(
                    [f"{_bindir()}/pg_restore", "--no-owner", "-d", url, str(dump)], check=True
                )
                werkstatt(env, "migrate", "-v0")
                say(f"  {organisation_count(env)} organisations")
            else:
                generate(env, args.organisations)
                if dump:
                    dump.parent.mkdir(parents=True, exist_ok=True)
                    subprocess.run(
                        [f"{_bindir()}/pg_dump", "-Fc", "-f", str(dump), url], check=True
                    )
            werkstatt(
                env,
                "shell",
                "-c",
                "from django.db import connection as c; c.cursor().execute('VACUUM ANALYZE')",
                quiet=True,
            )
            yield env
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def http_get(port: int, path: str, timeout: float = 120.0, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def member_cookie(env: dict[str, str], port: int) -> str:
    """The Cookie header of a browser in which the demo member is logged in: a session made
    with Django's own login (test client's force_login, the session engine of the settings) and
    the CSRF cookie the first page sets."""
    out = werkstatt(
        env,
        "shell",
        "-c",
        "from django.conf import settings; from django.contrib.auth import get_user_model; "
        "from django.test import Client; c = Client(); "
        f"c.force_login(get_user_model().objects.get(email={MEMBER_EMAIL!r})); "
        "print(settings.SESSION_COOKIE_NAME, c.cookies[settings.SESSION_COOKIE_NAME].value)",
        quiet=True,
    )
    name, value = out.strip().splitlines()[-1].split()
    cookie = f"{name}={value}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", "/netzwerk/", headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        csrf = [
            header.split(";", 1)[0]
            for header in response.headers.get_all("Set-Cookie") or []
            if header.startswith("csrftoken=")
        ]
    finally:
        conn.close()
    if response.status != 200:
        sys.exit(f"/netzwerk/ as the member answered {response.status}")
    if b'name="csrf-token"' not in body:
        sys.exit("the member's session is not logged in (no CSRF meta tag on /netzwerk/)")
    return "; ".join([cookie, *csrf])


@contextlib.contextmanager
def server(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """`werkstatt serve` on a free loopback port, in a process group of its own; always stopped."""
    vendor = ROOT / "src" / "werkstatt" / "web" / "static" / "vendor" / "leaflet" / "leaflet.js.map"
    if not vendor.exists():
        sys.exit(f"{vendor} is missing: run `make assets` (collectstatic needs it).")
    say("  collectstatic …")
    werkstatt(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [WERKSTATT, "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                sys.exit(f"the server stopped:\n{log_path.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(OSError):
                if http_get(port, "/bench/bare/", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                sys.exit(f"the server did not answer:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        head = log_path.read_text(errors="replace").splitlines()
        say("  " + next((line for line in head if line.startswith("Werkstatt on")), "server up"))
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- Load ----------------------------------------------------------------------------------


def have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: apt-get install -y wrk …")
        subprocess.run(
            ["apt-get", "install", "-y", "wrk"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return bool(shutil.which("wrk"))


def load_wrk(
    port: int, path: str, seconds: float, concurrency: int, script: Path, cookie: str = ""
) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    threads = min(2, concurrency)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        sys.exit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("WRKJSON ") :])
    failed = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "failed": failed,
    }


def load_python(
    port: int, path: str, seconds: float, concurrency: int, max_requests: int, cookie: str = ""
) -> dict:
    """`concurrency` threads, each with one keep-alive connection, until the time or the request
    budget is used up."""
    latencies: list[float] = []
    failed = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            failed[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return {"requests": 0, "rps": 0.0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0, "failed": 0}

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "failed": failed[0],
    }


def measure(
    port: int, env: dict[str, str], args: argparse.Namespace, use_wrk: bool, script: Path
) -> list[dict]:
    status, body = http_get(port, "/api/v1/organisations/")
    if status != 200:
        sys.exit(f"/api/v1/organisations/ answered {status}")
    first = json.loads(body)["results"][0]
    slug = first.get("slug") or first["url"].rstrip("/").rsplit("/", 1)[-1]
    cookies = {"anonymous": ""}
    if any(visitor == "member" for _, _, visitor in URLS if args.visitors in ("all", visitor)):
        cookies["member"] = member_cookie(env, port)

    def run(path: str, seconds: float, cookie: str) -> dict:
        if use_wrk:
            return load_wrk(port, path, seconds, args.concurrency, script, cookie)
        return load_python(port, path, seconds, args.concurrency, args.max_requests, cookie)

    rows = []
    for label, template, visitor in URLS:
        if args.visitors not in ("all", visitor) and not label.startswith("bare view"):
            continue
        path = template.format(profile=slug)
        cookie = cookies[visitor]
        # Every worker process builds its own in-memory copy on its first search: prime them
        # with fresh connections (which land on different workers), then a timed warm-up.
        started = time.perf_counter()
        status, body = http_get(port, path, cookie=cookie)
        first_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            sys.exit(f"{path} answered {status}: {body[:500]!r}")
        if visitor == "member" and b'name="csrf-token"' not in body:
            sys.exit(f"{path}: the member is not logged in on this page")
        for _ in range(8):
            http_get(port, path, cookie=cookie)
        run(path, args.warmup, cookie)
        row = run(path, args.duration, cookie)
        row.update(label=label, visitor=visitor, path=path, bytes=len(body), first_ms=first_ms)
        say(
            f"    {label:<20} {visitor:<9} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
            f"p95 {row['p95_ms']:7.1f} ms  failed {row['failed']}  first {first_ms:7.1f} ms"
        )
        rows.append(row)
    return rows


def report(backend: str, rows: list[dict]) -> dict:
    bare = statistics.mean(r["rps"] for r in rows if r["label"].startswith("bare view"))
    say(f"\n{backend}")
    say(
        f"| {'URL':<20} | {'visitor':<9} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | "
        f"{'vs bare':>7} | {'requests':>8} | {'failed':>6} | {'KiB':>5} |"
    )
    say(
        f"|{'-' * 22}|{'-' * 11}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|"
        f"{'-' * 7}:|{'-' * 6}:|"
    )
    for r in rows:
        say(
            f"| {r['label']:<20} | {r['visitor']:<9} | {r['rps']:7.1f} | {r['p50_ms']:7.1f} | "
            f"{r['p95_ms']:7.1f} | {r['rps'] / bare:7.2f} | {r['requests']:8d} | "
            f"{r['failed']:6d} | {r['bytes'] / 1024:5.1f} |"
        )
    ratios = {}
    for r in rows:
        if r["label"] == "directory":
            ratio = r["rps"] / bare if bare else 0.0
            ratios[r["visitor"]] = ratio
            verdict = "meets" if ratio >= TARGET_RATIO else "misses"
            say(
                f"directory ({r['visitor']}) / bare = {r['rps']:.1f} / {bare:.1f} = {ratio:.2f} "
                f"({verdict} the target {TARGET_RATIO:.2f})"
            )
    return {
        "backend": backend,
        "rows": rows,
        "bare_rps": bare,
        "ratios": ratios,
        "ratio": min(ratios.values(), default=0.0),
    }


# --- Profile -------------------------------------------------------------------------------


def profile_directory(requests: int = 200) -> None:
    """In a child process with the bench's environment: the directory page with Django's test
    client for an anonymous visitor and for the logged-in demo member, timed; the member's page
    under cProfile; the bare view's time for comparison."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    anonymous, member = Client(), Client()
    member.force_login(get_user_model().objects.get(email=MEMBER_EMAIL))
    cases = {
        "bare view": (anonymous, "/bench/bare/"),
        "directory, anonymous": (anonymous, "/netzwerk/"),
        "directory, member": (member, "/netzwerk/"),
        "directory q=Blech, member": (member, "/netzwerk/?q=Blech"),
    }
    for client, path in cases.values():
        for _ in range(5):
            assert client.get(path).status_code == 200
    for label, (client, path) in cases.items():
        started = time.perf_counter()
        for _ in range(requests):
            client.get(path)
        ms = (time.perf_counter() - started) * 1000 / requests
        print(f"  in-process {label}: {ms:.2f} ms per request ({requests} requests)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        member.get("/netzwerk/")
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


# --- Main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--keep", metavar="DIR", help="keep and reuse the databases in DIR")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per URL")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds per URL before")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="request budget per URL (Python client)"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--visitors",
        choices=["all", "anonymous", "member"],
        default="all",
        help="the directory pages for anonymous visitors, the logged-in demo member, or both",
    )
    parser.add_argument("--profile", action="store_true", help="also profile the directory page")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_child:
        profile_directory()
        return 0

    use_wrk = args.client == "wrk" or (args.client == "auto" and have_wrk())
    if args.client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package wrk).")
    backends = [args.only] if args.only else ["sqlite"] + (["postgres"] if args.postgres else [])
    say(
        f"bench/web.py: {args.organisations} organisations, {', '.join(backends)}; "
        f"client {'wrk' if use_wrk else 'Python threads'}, {args.concurrency} connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per URL; {os.cpu_count()} CPUs"
    )
    say(f"load before: {uptime()}")
    results = []
    work = Path(tempfile.mkdtemp(prefix="werkstatt-bench-web-run-"))
    try:
        script = work / "report.lua"
        script.write_text(WRK_SCRIPT)
        for backend in backends:
            say(f"\n== {backend}")
            database = sqlite_database if backend == "sqlite" else postgres_database
            with database(args) as env:
                with server(env, work / f"server-{backend}.log") as port:
                    rows = measure(port, env, args, use_wrk, script)
                if args.profile:
                    say("  profile of the directory page (cProfile, Django test client):")
                    subprocess.run(
                        [sys.executable, __file__, "--profile-child"],
                        env=env,
                        cwd=ROOT,
                        check=False,
                    )
            results.append(report(backend, rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"\nload after: {uptime()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(r["ratio"] >= TARGET_RATIO for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
