"""Shared loading and flag extraction of the DuckDB peers (bench/duckdb_window.py, bench/duckdb_rolling.py).

read_json with explicit columns (every metric DOUBLE, `timestamp` the {"$date": ISO} struct) into
a table with UTC timestamps; flagged values are materialised as a table of rows (asset, time,
metric, value, direction, score), the information riskfence prints.
"""
import duckdb

from peer_common import METRICS, report as peer_report


def load(path, phases):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    columns = {"coin_id": "VARCHAR", "timestamp": 'STRUCT("$date" VARCHAR)', **{m: "DOUBLE" for m in METRICS}}
    spec = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())
    metrics = ", ".join(METRICS)
    con.execute(
        f"CREATE TABLE t AS SELECT coin_id, CAST(timestamp.\"$date\" AS TIMESTAMPTZ) AS ts, {metrics} "
        f"FROM read_json(?, format = 'newline_delimited', columns = {{{spec}}})", [path])
    phases.mark("read_json")
    return con


def flagged_rows(source, k):
    """SQL for the flagged values of `source`, which holds each metric `m` with quartiles `m_q1`, `m_q3`:
    strict Tukey fences, score in IQR units (NULL where the IQR is 0)."""
    parts = []
    for m in METRICS:
        iqr = f"({m}_q3 - {m}_q1)"
        lower, upper = f"({m}_q1 - {k} * {iqr})", f"({m}_q3 + {k} * {iqr})"
        parts.append(
            f"SELECT coin_id, ts, '{m}' AS metric, {m} AS value, "
            f"CASE WHEN {m} > {upper} THEN 'high' ELSE 'low' END AS direction, "
            f"CASE WHEN {iqr} > 0 THEN CASE WHEN {m} > {upper} THEN ({m} - {upper}) / {iqr} "
            f"ELSE ({lower} - {m}) / {iqr} END END AS score "
            f"FROM {source} WHERE {m} > {upper} OR {m} < {lower}")
    return " UNION ALL ".join(parts)


def count_rows(con, table):
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def report(mode, rows, flags, phases):
    """The peer report line, engine DuckDB."""
    peer_report(mode, "duckdb", duckdb.__version__, rows, flags, phases)
