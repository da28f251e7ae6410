# Copied byte for byte (below this header) from the spec bundle, shared/tools/pandas_reference.py:
# the executable statement of SPEC.md section 2. Tests run this copy, never a file outside the repository.
"""Executable statement of the detector's semantics (SPEC.md section 2), in
pandas, the library the original service used. Produces the same JSON as
`riskfence detect --format json`.

  python3 pandas_reference.py window  INPUT.ndjson --as-of ISO [--timeframes 3,7,30] [--k 1.5] [--min-samples 1]
  python3 pandas_reference.py rolling INPUT.ndjson [--closed left|right] [...]

INPUT: one JSON document per line with coin_id, timestamp (ISO string or
{"$date": ISO}) and metric fields.
"""
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd

METRICS = ["latest_price", "market_cap_score", "liquidity_risk_score",
           "volatility_risk_score", "volume", "market_cap", "volatility_index"]


def iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def num(v):
    """Only real finite numbers count; everything else is missing.
    Extended JSON numbers ($numberInt, $numberLong, $numberDouble,
    $numberDecimal) are numbers; their NaN and Infinity are missing."""
    if isinstance(v, dict) and len(v) == 1:
        (key, text), = v.items()
        if key in ("$numberInt", "$numberLong", "$numberDouble", "$numberDecimal") and isinstance(text, str):
            try:
                v = float(text)
            except ValueError:
                return np.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return np.nan
    return float(v) if math.isfinite(v) else np.nan


def when(ts) -> pd.Timestamp:
    """ISO string, {"$date": ISO} or {"$date": {"$numberLong": ms}}."""
    if isinstance(ts, dict):
        ts = ts["$date"]
        if isinstance(ts, dict):
            return pd.Timestamp(int(ts["$numberLong"]), unit="ms", tz="UTC")
    t = pd.Timestamp(ts)
    return t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC")


def load(docs, metrics):
    rows = []
    for d in docs:
        rows.append({"coin_id": d["coin_id"], "timestamp": when(d["timestamp"]),
                     **{m: num(d.get(m)) for m in metrics}})
    df = pd.DataFrame(rows, columns=["coin_id", "timestamp", *metrics])
    # stable order: by asset, then time, input order kept for equal times
    return df.sort_values(["coin_id", "timestamp"], kind="stable").reset_index(drop=True)


def fences(v: pd.Series, k: float, min_samples: int):
    v = v.dropna()
    if len(v) == 0 or len(v) < min_samples:
        return None, int(len(v))
    q1, q3 = float(v.quantile(0.25)), float(v.quantile(0.75))
    iqr = q3 - q1
    return {"q1": q1, "q3": q3, "iqr": iqr, "lower": q1 - k * iqr, "upper": q3 + k * iqr}, int(len(v))


def judge(x, lo, hi, iqr):
    if not np.isfinite(x) or lo is None or not np.isfinite(lo):
        return None, None
    if x > hi:
        return "high", (x - hi) / iqr if iqr > 0 else None
    if x < lo:
        return "low", (lo - x) / iqr if iqr > 0 else None
    return None, None


def window(df, metrics, timeframes, k, as_of, min_samples):
    as_of = pd.Timestamp(as_of).tz_convert("UTC")
    results = []
    for asset, g in df.groupby("coin_id", sort=True):
        for t in timeframes:
            w = g[(g.timestamp >= as_of - pd.Timedelta(days=t)) & (g.timestamp < as_of)]
            for m in metrics:
                f, n = fences(w[m], k, min_samples)
                flags = []
                if f:
                    for ts, x in zip(w.timestamp, w[m]):
                        d, s = judge(x, f["lower"], f["upper"], f["iqr"])
                        if d:
                            flags.append({"timestamp": iso(ts), "value": x, "direction": d, "score": s})
                results.append({"asset": asset, "metric": m, "timeframe": t, "n": n,
                                "fences": f, "flags": flags})
    return {"mode": "window",
            "params": {"asOf": iso(as_of), "timeframes": timeframes, "deviationLimit": k,
                       "minSamples": min_samples, "metrics": metrics},
            "results": results}


def rolling(df, metrics, timeframes, k, closed, min_samples):
    results = []
    for asset, g in df.groupby("coin_id", sort=True):
        g = g.set_index("timestamp")
        for t in timeframes:
            for m in metrics:
                s = g[m]
                r = s.rolling(f"{t}D", closed=closed, min_periods=max(min_samples, 1))
                q1, q3 = r.quantile(0.25), r.quantile(0.75)
                points = []
                for ts, x, a, b in zip(s.index, s.values, q1.values, q3.values):
                    ok = np.isfinite(a) and np.isfinite(b)
                    iqr = b - a if ok else None
                    lo = a - k * iqr if ok else None
                    hi = b + k * iqr if ok else None
                    d, sc = judge(x, lo, hi, iqr) if ok else (None, None)
                    points.append({"timestamp": iso(ts), "value": None if not np.isfinite(x) else float(x),
                                   "q1": float(a) if ok else None, "q3": float(b) if ok else None,
                                   "lower": lo, "upper": hi, "direction": d, "score": sc})
                results.append({"asset": asset, "metric": m, "timeframe": t,
                                "closed": closed, "points": points})
    return {"mode": "rolling",
            "params": {"timeframes": timeframes, "deviationLimit": k, "minSamples": min_samples,
                       "closed": closed, "metrics": metrics},
            "results": results}


def run(docs, mode, as_of=None, timeframes=(3, 7, 30), k=1.5, min_samples=1,
        closed="left", metrics=METRICS):
    df = load(docs, list(metrics))
    if mode == "window":
        return window(df, list(metrics), list(timeframes), k, as_of, min_samples)
    return rolling(df, list(metrics), list(timeframes), k, closed, min_samples)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["window", "rolling"])
    p.add_argument("input")
    p.add_argument("--as-of")
    p.add_argument("--timeframes", default="3,7,30")
    p.add_argument("--k", type=float, default=1.5)
    p.add_argument("--min-samples", type=int, default=1)
    p.add_argument("--closed", default="left", choices=["left", "right"])
    p.add_argument("--metrics", default=",".join(METRICS))
    a = p.parse_args()
    with open(a.input) as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    out = run(docs, a.mode, a.as_of, [int(x) for x in a.timeframes.split(",")], a.k,
              a.min_samples, a.closed, a.metrics.split(","))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
