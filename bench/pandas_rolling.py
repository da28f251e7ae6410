"""Rolling mode in plain pandas, as fast as we can make it: the baseline of `npm run bench`.

  python3 bench/pandas_rolling.py INPUT.ndjson [--timeframes 3,7,30] [--k 1.5] [--closed left]

Rows sorted by (coin_id, timestamp), then per timeframe T one
groupby(coin_id).rolling(f"{T}D", on="timestamp", closed=...) over the seven metrics and
.quantile(q) for q1 and q3; fences and flags vectorized. Prints timings and peak RSS as JSON.
"""
import argparse


from pandas_common import METRICS, Phases, count_flags, load, report


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("--timeframes", default="3,7,30")
    p.add_argument("--k", type=float, default=1.5)
    p.add_argument("--closed", default="left", choices=["left", "right"])
    a = p.parse_args()
    phases = Phases()
    df = load(a.input, phases)
    # groupby().rolling(on=...) needs each group's times sorted; the stable sort keeps input order for ties.
    df = df.sort_values(["coin_id", "timestamp"], kind="stable", ignore_index=True)
    x = df[METRICS].to_numpy()
    phases.mark("sort")
    flags = 0
    for t in a.timeframes.split(","):
        r = df.groupby("coin_id", sort=True).rolling(f"{t}D", on="timestamp", closed=a.closed)[METRICS]
        # The result is in group order, which is the sorted frame's row order.
        q1 = r.quantile(0.25)[METRICS].to_numpy()
        q3 = r.quantile(0.75)[METRICS].to_numpy()
        flags += count_flags(x, q1, q3, a.k)
    phases.mark("detect")
    report("rolling", len(df), flags, phases)


if __name__ == "__main__":
    main()
