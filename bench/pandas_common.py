"""Shared loading and fence counting of the pandas peers (bench/pandas_window.py, bench/pandas_rolling.py).

The peers are the fastest plain pandas we know for the detector's work on
mongoexport NDJSON: one vectorized read, no per-row Python.
"""
import numpy as np
import pandas as pd

from peer_common import METRICS, report as peer_report


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


def report(mode, rows, flags, phases):
    """The peer report line, engine pandas."""
    peer_report(mode, "pandas", pd.__version__, rows, flags, phases)
