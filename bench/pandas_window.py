"""Window mode in plain pandas, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/pandas_window.py INPUT.ndjson --as-of ISO [--timeframes 3,7,30] [--k 1.5]

For each timeframe T: rows in [asOf - T, asOf), vectorized groupby(coin_id).quantile([.25, .75])
of the seven metrics, Tukey fences broadcast back to the rows by group code, and every value
judged (strict comparison; score in IQR units). Prints timings and peak RSS as JSON.
"""
import pandas as pd

from pandas_common import count_flags, load, report
from peer_common import METRICS, Phases, parse_args


def main():
    a = parse_args("window")
    phases = Phases()
    df = load(a.input, phases)
    as_of = pd.Timestamp(a.as_of)
    as_of = as_of.tz_convert("UTC") if as_of.tzinfo else as_of.tz_localize("UTC")
    flags = 0
    for t in (float(x) for x in a.timeframes.split(",")):
        in_window = (df["timestamp"] >= as_of - pd.Timedelta(days=t)) & (df["timestamp"] < as_of)
        w = df.loc[in_window, ["coin_id", *METRICS]]
        codes, _ = pd.factorize(w["coin_id"], sort=True)
        q = w[METRICS].groupby(codes, sort=True).quantile([0.25, 0.75])
        q1 = q.xs(0.25, level=1).to_numpy()
        q3 = q.xs(0.75, level=1).to_numpy()
        flags += count_flags(w[METRICS].to_numpy(), q1[codes], q3[codes], a.k)
    phases.mark("detect")
    report("window", len(df), flags, phases)


if __name__ == "__main__":
    main()
