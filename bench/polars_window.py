"""Window mode in polars, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/polars_window.py INPUT.ndjson --as-of ISO [--timeframes 3,7,30] [--k 1.5]

For each timeframe T: rows in [asOf - T, asOf), group_by(coin_id).agg(quantile(q, "linear")) of
the seven metrics, joined back, every value judged and the flagged values materialised. Prints
timings and peak RSS as JSON.
"""
from datetime import datetime, timedelta

import polars as pl

from peer_common import METRICS, Phases, parse_args
from polars_common import flagged, load, report


def main():
    a = parse_args("window")
    phases = Phases()
    df = load(a.input, phases)
    as_of = datetime.fromisoformat(a.as_of.replace("Z", "+00:00"))
    flags = 0
    for t in (float(x) for x in a.timeframes.split(",")):
        w = df.filter((pl.col("timestamp") >= as_of - timedelta(days=t)) & (pl.col("timestamp") < as_of))
        q = w.group_by("coin_id").agg(
            [pl.col(m).quantile(0.25, "linear").alias(f"{m}_q1") for m in METRICS]
            + [pl.col(m).quantile(0.75, "linear").alias(f"{m}_q3") for m in METRICS])
        joined = w.join(q, on="coin_id")
        flags += pl.concat([flagged(joined, m, a.k) for m in METRICS]).height
    phases.mark("detect")
    report("window", df.height, flags, phases)


if __name__ == "__main__":
    main()
