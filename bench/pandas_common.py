"""Shared loading and reporting of the pandas baselines (bench/pandas_window.py, bench/pandas_rolling.py).

The baselines are the fastest plain pandas we know for the detector's work on
mongoexport NDJSON: one vectorized read, no per-row Python.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

METRICS = ["latest_price", "market_cap_score", "liquidity_risk_score",
           "volatility_risk_score", "volume", "market_cap", "volatility_index"]


class Phases:
    """Wall-clock phases in milliseconds, measured with perf_counter."""

    def __init__(self):
        self.ms = {}
        self._t = time.perf_counter()

    def mark(self, name):
        now = time.perf_counter()
        self.ms[name] = (now - self._t) * 1000
        self._t = now


def load(path, phases):
    """read_json(lines=True), then `timestamp` from {"$date": ISO} to UTC datetimes and the
    metrics coerced to float (anything non-numeric becomes NaN), as the detector reads them."""
    df = pd.read_json(path, lines=True, convert_dates=False)
    phases.mark("read_json")
    df["timestamp"] = pd.to_datetime(df["timestamp"].str.get("$date"), utc=True, format="ISO8601")
    for m in METRICS:
        df[m] = pd.to_numeric(df[m], errors="coerce")
    phases.mark("normalise")
    return df


def count_flags(x, q1, q3, k):
    """Tukey fences from quartile arrays aligned with the values `x`; every value judged (strict),
    scores computed in IQR units (NaN where the IQR is 0) as the detector does. Returns the flag count."""
    iqr = q3 - q1
    lower = q1 - k * iqr
    upper = q3 + k * iqr
    with np.errstate(invalid="ignore", divide="ignore"):
        high = x > upper
        low = x < lower
        score = np.where(high, (x - upper) / iqr, np.where(low, (lower - x) / iqr, np.nan))
        score[(high | low) & ~(iqr > 0)] = np.nan
    return int(high.sum() + low.sum())


def report(mode, rows, flags, phases, extra=None):
    """Prints one JSON line: phases, flag count and peak RSS (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"mode": mode, "pandas": pd.__version__, "rows": int(rows), "flags": int(flags),
           "phasesMs": phases.ms, "totalMs": sum(phases.ms.values()), "peakRssBytes": peak}
    out.update(extra or {})
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
