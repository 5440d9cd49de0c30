"""The results: one dict, printed as a table and written as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bench.measure import Timings
from bench.payload import MIB
from bench.procstat import RssSampler

RATIO_GOAL = 0.8
RSS_GOAL_MIB = 150


def mib(count: int | None) -> float | None:
    """Bytes as MiB, one decimal; None stays None."""
    return None if count is None else round(count / MIB, 1)


def rate_summary(timings: Timings) -> dict:
    """Median, best and every run, in MiB/s."""
    return {
        "median": round(timings.median_rate, 1),
        "best": round(timings.best_rate, 1),
        "runs": [round(timings.rate(s), 1) for s in timings.seconds],
    }


def download_results(timings: dict[str, Timings], verified: bool) -> dict:
    """Throughputs, the ratios of their medians and the integrity check."""
    direct, api, ceiling = timings["storage"], timings["API"], timings["ceiling"]
    return {
        "storage_mib_s": rate_summary(direct),
        "api_mib_s": rate_summary(api),
        "http_ceiling_mib_s": rate_summary(ceiling),
        "ratio": round(api.median_rate / direct.median_rate, 3),
        "ratio_of_best": round(api.best_rate / direct.best_rate, 3),
        "api_vs_http_ceiling": round(api.median_rate / ceiling.median_rate, 3),
        "sha256_matches_etag": verified,
    }


def rss_figures(baseline: int, sampler: RssSampler) -> dict:
    """RSS in MiB before a phase and at its peak (polled or kernel, the higher)."""
    return {
        "baseline": mib(baseline),
        "peak": mib(max(sampler.peak, sampler.kernel_peak or 0)),
        "polled_peak": mib(sampler.peak),
        "kernel_peak": mib(sampler.kernel_peak),
        "samples": sampler.samples,
    }


def verdicts(results: dict) -> dict:
    """Which goal each figure meets."""
    rss = results["server_rss_mib"]
    return {
        "ratio": results["download"]["ratio"] >= RATIO_GOAL,
        "upload_rss": rss["upload"]["peak"] < RSS_GOAL_MIB,
        "download_rss": rss["download"]["peak"] < RSS_GOAL_MIB,
        "integrity": results["download"]["sha256_matches_etag"],
    }


def write_json(results: dict, path: Path) -> None:
    """Write the results, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def table(results: dict) -> str:
    """The results as an aligned plain-text table."""
    config = results["config"]
    title = (
        f"dms bench: {config['size_mb']} MiB file, {config['storage']} storage, "
        f"{config['repeat']} runs each (median; best in brackets)"
    )
    rows = _download_rows(results) + _memory_rows(results)
    return "\n".join([title, "=" * len(title), *(_row(*row) for row in rows)])


def _download_rows(results: dict) -> list[tuple[str, ...]]:
    """The download and upload rows: label, value, goal, verdict."""
    down, passed = results["download"], results["passed"]
    return [
        ("Download", "", "", ""),
        ("  storage open_range()", _rate(down["storage_mib_s"]), "", ""),
        ("  API GET .../download", _rate(down["api_mib_s"]), "", ""),
        ("  ratio API / storage", f"{down['ratio']:.2f}", f">= {RATIO_GOAL}")
        + (_verdict(passed["ratio"]),),
        ("  HTTP ceiling (sendfile)", _rate(down["http_ceiling_mib_s"]), "", ""),
        ("  ratio API / ceiling", f"{down['api_vs_http_ceiling']:.2f}", "", ""),
        ("  SHA-256 == ETag", str(down["sha256_matches_etag"]), "True")
        + (_verdict(passed["integrity"]),),
        ("Upload POST /documents", f"{results['upload']['mib_s']:,.0f} MiB/s", "", ""),
    ]


def _memory_rows(results: dict) -> list[tuple[str, ...]]:
    """The memory rows: label, value, goal, verdict."""
    rss, passed = results["server_rss_mib"], results["passed"]
    client = results["client_rss_mib"]
    goal = f"< {RSS_GOAL_MIB} MiB"
    return [
        ("Server RSS (fresh server each)", "", "", ""),
        ("  upload: after start-up", _mib(rss["upload"]["baseline"]), "", ""),
        ("  upload: peak", _mib(rss["upload"]["peak"]), goal)
        + (_verdict(passed["upload_rss"]),),
        ("  download: after start-up", _mib(rss["download"]["baseline"]), "", ""),
        ("  download: peak", _mib(rss["download"]["peak"]), goal)
        + (_verdict(passed["download_rss"]),),
        ("Client RSS during upload", _mib(client["peak"]), "", ""),
    ]


def _verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def _rate(summary: dict) -> str:
    """A median rate with the best in brackets."""
    return f"{summary['median']:,.0f} MiB/s ({summary['best']:,.0f})"


def _mib(value: float) -> str:
    """A MiB figure with its unit."""
    return f"{value:.1f} MiB"


def _row(label: str, value: str, goal: str, verdict: str) -> str:
    """One aligned line of the table."""
    return f"{label:<31} {value:<24} {goal:<11} {verdict}".rstrip()
