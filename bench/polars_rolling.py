"""Rolling mode in polars, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/polars_rolling.py INPUT.ndjson [--timeframes 3,7,30] [--k 1.5] [--closed left]

Per timeframe T, rolling_quantile_by("timestamp", f"{T}d", closed=...).over("coin_id") for q1
and q3 of the seven metrics (each asset's rows are in time order, as rolling_*_by needs), every
value judged and the flagged values materialised. Prints timings and peak RSS as JSON.
"""
import polars as pl

from peer_common import METRICS, Phases, parse_args
from polars_common import flagged, load, report


def main():
    a = parse_args("rolling")
    phases = Phases()
    df = load(a.input, phases)
    flags = 0
    for t in a.timeframes.split(","):
        def quartile(m, q, name):
            return (pl.col(m).rolling_quantile_by("timestamp", window_size=f"{t}d", quantile=q,
                                                  interpolation="linear", closed=a.closed)
                    .over("coin_id").alias(name))
        frame = df.with_columns([quartile(m, 0.25, f"{m}_q1") for m in METRICS]
                                + [quartile(m, 0.75, f"{m}_q3") for m in METRICS])
        flags += pl.concat([flagged(frame, m, a.k) for m in METRICS]).height
    phases.mark("detect")
    report("rolling", df.height, flags, phases)


if __name__ == "__main__":
    main()
