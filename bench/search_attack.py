"""The search-stall bench (issue 14 item 1): ordinary searches from one address
while another address floods the server with hostile queries.

    .venv/bin/python -m bench.search_attack [--documents N] [--attackers N]
        [--seconds S] [--probes N] [--attack ranges,prefixes] [--output PATH]

A fresh instance gets --documents generated documents (default 240, the size of
the archive the issue measured on) through bench/bulk_load.py, then `dms
reindex`, then the real `dms serve` (waitress, 8 threads) on 127.0.0.1. dms
does not trust X-Forwarded-For, so each client binds its own loopback source
address: the attackers 127.0.0.2, the citizen 127.0.0.3.

For each attack the citizen first runs --probes ordinary searches alone (the
baseline), then --attackers threads send the hostile query back to back from
one address while the citizen runs at most --probes ordinary searches, one
after the other, within --seconds. Every request has a client timeout of
REQUEST_TIMEOUT seconds (a timed-out probe counts as that long). Attacks:

* ranges: the issue's query, ten ``[a TO z]`` (9.5 s each before the fix);
* prefixes: the costliest the citizens' syntax still allows, thirty
  three-letter prefixes joined by OR.

Goal: every ordinary search under attack answers 200 in under 2 s. Prints a
table and writes bench/results/search_attack.json; exit status 0 when the run
finishes (the table says FAIL when a goal is missed), 1 when a step fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench import bulk_load
from bench.progress import log
from bench.server import ORG, DmsServer, dms_env, prepare_instance, run_dms
from dms.settings import load_settings

HOST = "127.0.0.1"
ATTACKER = "127.0.0.2"
CITIZEN = "127.0.0.3"
REQUEST_TIMEOUT = 60.0
GOAL_SECONDS = 2.0
ORDINARY = ("anggaran", "laporan keuangan", "puskesmas", '"informasi publik"')
PREFIXES = [
    "ang",
    "lap",
    "inf",
    "pus",
    "stu",
    "tim",
    "kal",
    "suk",
    "keu",
    "pen",
    "bar",
    "ter",
    "ban",
    "lon",
    "dat",
    "pel",
    "pro",
    "keg",
    "dan",
    "ren",
    "bel",
    "jal",
    "air",
    "pem",
    "kes",
    "rum",
    "sek",
    "kan",
    "wil",
    "dok",
]
ATTACKS = {
    "ranges": " ".join(["[a TO z]"] * 10),
    "prefixes": " OR ".join(f"{prefix}*" for prefix in PREFIXES),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=240)
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--attack", default=",".join(ATTACKS))
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--per-address",
        type=int,
        default=None,
        help="DMS_SEARCH_CONCURRENCY_PER_ADDRESS for the server (default: the "
        "configured value); the server's thread count (8) shows the query "
        "parser and the time limit alone",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("bench/results/search_attack.json")
    )
    args = parser.parse_args(argv)
    attacks = [name.strip() for name in args.attack.split(",") if name.strip()]
    unknown = sorted(set(attacks) - set(ATTACKS))
    if unknown:
        parser.error(f"unknown attack(s): {', '.join(unknown)}")
    try:
        with tempfile.TemporaryDirectory(prefix="dms-bench-attack-") as folder:
            results = run(Path(folder), args, attacks)
    except (RuntimeError, OSError) as exc:
        print(f"bench.search_attack: {exc}", file=sys.stderr)
        return 1
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def run(folder: Path, args, attacks: list[str]) -> dict:
    extra = {}
    if args.per_address is not None:
        extra["DMS_SEARCH_CONCURRENCY_PER_ADDRESS"] = str(args.per_address)
    env = dms_env(folder / "instance", 64, extra)
    log("dms init, organisation, user, token")
    prepare_instance(env)
    settings = load_settings(env=env)
    log(f"loading {args.documents} generated documents (seed {args.seed})")
    bulk_load.load(settings.database_url, args.documents, args.seed, ORG)
    log("dms reindex")
    run_dms(env, "reindex")
    results = {
        "documents": args.documents,
        "attackers": args.attackers,
        "server_threads": 8,
        # getattr: the bench also measures code from before these settings.
        "search_time_limit_seconds": getattr(
            settings, "search_time_limit_seconds", None
        ),
        "search_concurrency_per_address": getattr(
            settings, "search_concurrency_per_address", None
        ),
        "goal_seconds": GOAL_SECONDS,
        "attacks": {},
    }
    with DmsServer(env, folder / "server.log") as server:
        for name in attacks:
            log(f"attack {name!r}: baseline, then {args.attackers} attackers")
            results["attacks"][name] = attack(server.port, ATTACKS[name], args)
    return results


def attack(port: int, hostile: str, args) -> dict:
    baseline = [probe(port, ORDINARY[i % len(ORDINARY)]) for i in range(args.probes)]
    stop = threading.Event()
    statuses: Counter = Counter()
    hostile_seconds: list[float] = []
    lock = threading.Lock()

    def attacker() -> None:
        while not stop.is_set():
            status, seconds = request(port, hostile, ATTACKER)
            with lock:
                statuses[status] += 1
                hostile_seconds.append(seconds)

    threads = [
        threading.Thread(target=attacker, daemon=True) for _ in range(args.attackers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the attack take every slot it can
    under_attack = []
    deadline = time.monotonic() + args.seconds
    while len(under_attack) < args.probes and time.monotonic() < deadline:
        under_attack.append(probe(port, ORDINARY[len(under_attack) % len(ORDINARY)]))
    stop.set()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 5)
    return {
        "hostile_query": hostile,
        "baseline": summary(baseline),
        "under_attack": summary(under_attack),
        "hostile_statuses": dict(sorted(statuses.items())),
        "hostile_seconds_median": _round(statistics.median(hostile_seconds))
        if hostile_seconds
        else None,
        "goal_met": bool(under_attack)
        and all(s == 200 and t < GOAL_SECONDS for s, t in under_attack),
    }


def probe(port: int, text: str) -> tuple[int, float]:
    return request(port, text, CITIZEN)


def request(port: int, text: str, source: str) -> tuple[int, float]:
    """(status, seconds) of one anonymous API search from `source`; status 0 when
    the connection failed or timed out (counted as REQUEST_TIMEOUT)."""
    path = "/api/v1/documents?" + urlencode({"q": text, "per_page": 20})
    connection = http.client.HTTPConnection(
        HOST, port, timeout=REQUEST_TIMEOUT, source_address=(source, 0)
    )
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, REQUEST_TIMEOUT
    finally:
        connection.close()


def summary(samples: list[tuple[int, float]]) -> dict:
    seconds = [t for _, t in samples]
    return {
        "count": len(samples),
        "statuses": dict(sorted(Counter(s for s, _ in samples).items())),
        "median_seconds": _round(statistics.median(seconds)) if seconds else None,
        "max_seconds": _round(max(seconds)) if seconds else None,
    }


def _round(value: float) -> float:
    return round(value, 3)


def print_table(results: dict) -> None:
    print(
        f"{results['documents']} documents, {results['attackers']} attackers from "
        f"{ATTACKER}, ordinary searches from {CITIZEN}; time limit "
        f"{results['search_time_limit_seconds']} s, "
        f"{results['search_concurrency_per_address']} searches per address"
    )
    header = (
        f"{'attack':<10} {'alone med/max s':>16} {'attacked med/max s':>19} "
        f"{'probes':>7} {'hostile statuses':<28} {'hostile med s':>13} "
        f"{'goal < 2 s':>10}"
    )
    print(header)
    for name, figures in results["attacks"].items():
        alone, attacked = figures["baseline"], figures["under_attack"]
        statuses = ", ".join(
            f"{k}: {v}" for k, v in figures["hostile_statuses"].items()
        )
        print(
            f"{name:<10} "
            f"{alone['median_seconds']:>7} / {alone['max_seconds']:<6} "
            f"{attacked['median_seconds']:>8} / {attacked['max_seconds']:<8} "
            f"{attacked['count']:>7} {statuses:<28} "
            f"{figures['hostile_seconds_median']!s:>13} "
            f"{'PASS' if figures['goal_met'] else 'FAIL':>10}"
        )


if __name__ == "__main__":
    sys.exit(main())
