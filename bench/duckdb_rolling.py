"""Rolling mode in DuckDB, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/duckdb_rolling.py INPUT.ndjson [--timeframes 3,7,30] [--k 1.5]

Per timeframe T, quantile_cont(m, 0.25/0.75) OVER (PARTITION BY coin_id ORDER BY ts RANGE BETWEEN
INTERVAL T DAY PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) — the closed-left window [t - T, t)
(the generated data has one row per asset and instant) — every value judged and the flagged values
materialised as a table. Prints timings and peak RSS as JSON.
"""
from duckdb_common import count_rows, flagged_rows, load, report
from peer_common import METRICS, Phases, parse_args


def main():
    a = parse_args("rolling", closed=("left",))
    phases = Phases()
    con = load(a.input, phases)
    flags = 0
    quartiles = ", ".join(f"quantile_cont({m}, 0.25) OVER w AS {m}_q1, quantile_cont({m}, 0.75) OVER w AS {m}_q3"
                          for m in METRICS)
    for t in a.timeframes.split(","):
        frame = (f"PARTITION BY coin_id ORDER BY ts RANGE BETWEEN INTERVAL '{float(t) * 86400} seconds' "
                 f"PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW")
        con.execute(
            f"CREATE OR REPLACE TABLE flagged AS WITH r AS (SELECT *, {quartiles} FROM t WINDOW w AS ({frame})) "
            f"{flagged_rows('r', a.k)}")
        flags += count_rows(con, "flagged")
    phases.mark("detect")
    report("rolling", count_rows(con, "t"), flags, phases)


if __name__ == "__main__":
    main()
