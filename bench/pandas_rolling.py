"""Rolling mode in plain pandas, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/pandas_rolling.py INPUT.ndjson [--timeframes 3,7,30] [--k 1.5] [--closed left]

Rows sorted by (coin_id, timestamp), then per timeframe T one
set_index("timestamp").groupby(coin_id)[metrics].rolling(f"{T}D", closed=...) and .quantile(q)
for q1 and q3 (faster than groupby().rolling(on=...)); fences and flags vectorized. Prints
timings and peak RSS as JSON.
"""
from pandas_common import count_flags, load, report
from peer_common import METRICS, Phases, parse_args


def main():
    a = parse_args("rolling")
    phases = Phases()
    df = load(a.input, phases)
    # The rolling windows need each group's times sorted; the stable sort keeps input order for ties.
    df = df.sort_values(["coin_id", "timestamp"], kind="stable", ignore_index=True)
    x = df[METRICS].to_numpy()
    indexed = df.set_index("timestamp")
    phases.mark("sort")
    flags = 0
    for t in a.timeframes.split(","):
        r = indexed.groupby("coin_id", sort=True)[METRICS].rolling(f"{t}D", closed=a.closed)
        # The result is in group order, which is the sorted frame's row order.
        q1 = r.quantile(0.25)[METRICS].to_numpy()
        q3 = r.quantile(0.75)[METRICS].to_numpy()
        flags += count_flags(x, q1, q3, a.k)
    phases.mark("detect")
    report("rolling", len(df), flags, phases)


if __name__ == "__main__":
    main()
