"""What every peer script of `npm run bench` shares (bench/{pandas,polars,duckdb}_{window,rolling}.py):
the metric names, the command line, phase timing and the one JSON line each prints. Imports no data library, so a
polars or DuckDB run never pays for importing pandas.
"""
import argparse
import json
import resource
import sys
import time

METRICS = ["latest_price", "market_cap_score", "liquidity_risk_score",
           "volatility_risk_score", "volume", "market_cap", "volatility_index"]


def parse_args(mode, closed=("left", "right")):
    """The command line of a peer: INPUT, --timeframes and --k, plus --as-of (window mode) or --closed
    (rolling mode, among the window closures the engine can express)."""
    p = argparse.ArgumentParser()
    p.add_argument("input")
    if mode == "window":
        p.add_argument("--as-of", required=True)
    else:
        p.add_argument("--closed", default="left", choices=list(closed))
    p.add_argument("--timeframes", default="3,7,30")
    p.add_argument("--k", type=float, default=1.5)
    return p.parse_args()


class Phases:
    """Wall-clock phases in milliseconds, measured with perf_counter."""

    def __init__(self):
        self.ms = {}
        self._t = time.perf_counter()

    def mark(self, name):
        now = time.perf_counter()
        self.ms[name] = (now - self._t) * 1000
        self._t = now


def report(mode, engine, version, rows, flags, phases):
    """Prints one JSON line: engine, phases, flag count and peak RSS (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"mode": mode, "engine": engine, "version": version, "rows": int(rows), "flags": int(flags),
           "phasesMs": phases.ms, "totalMs": sum(phases.ms.values()), "peakRssBytes": peak}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
