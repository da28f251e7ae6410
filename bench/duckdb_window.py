"""Window mode in DuckDB, as fast as we can make it: a peer of `npm run bench`.

  python3 bench/duckdb_window.py INPUT.ndjson --as-of ISO [--timeframes 3,7,30] [--k 1.5]

For each timeframe T: rows in [asOf - T, asOf), quantile_cont(m, 0.25/0.75) per coin_id for the
seven metrics, joined back, every value judged and the flagged values materialised as a table.
Prints timings and peak RSS as JSON.
"""
from duckdb_common import count_rows, flagged_rows, load, report
from peer_common import METRICS, Phases, parse_args


def main():
    a = parse_args("window")
    phases = Phases()
    con = load(a.input, phases)
    flags = 0
    quartiles = ", ".join(f"quantile_cont({m}, 0.25) AS {m}_q1, quantile_cont({m}, 0.75) AS {m}_q3"
                          for m in METRICS)
    for t in a.timeframes.split(","):
        window = (f"ts >= TIMESTAMPTZ '{a.as_of}' - INTERVAL '{float(t) * 86400} seconds' "
                  f"AND ts < TIMESTAMPTZ '{a.as_of}'")
        con.execute(
            f"CREATE OR REPLACE TABLE flagged AS WITH w AS (SELECT * FROM t WHERE {window}), "
            f"q AS (SELECT coin_id, {quartiles} FROM w GROUP BY coin_id), "
            f"j AS (SELECT * FROM w JOIN q USING (coin_id)) {flagged_rows('j', a.k)}")
        flags += count_rows(con, "flagged")
    phases.mark("detect")
    report("window", count_rows(con, "t"), flags, phases)


if __name__ == "__main__":
    main()
