"""Shared loading and flag extraction of the polars peers (bench/polars_window.py, bench/polars_rolling.py).

read_ndjson with an explicit schema (every metric Float64, `timestamp` the {"$date": ISO} struct),
the struct field parsed to UTC datetimes; flagged values are materialised as rows (asset, time,
metric, value, direction, score), the information riskfence prints.
"""
import polars as pl

from peer_common import METRICS, report as peer_report

SCHEMA = {"_id": pl.Utf8, "coin_id": pl.Utf8, "timestamp": pl.Struct({"$date": pl.Utf8}),
          **{m: pl.Float64 for m in METRICS}}


def load(path, phases):
    df = pl.read_ndjson(path, schema=SCHEMA)
    phases.mark("read_ndjson")
    df = df.with_columns(pl.col("timestamp").struct.field("$date")
                         .str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC").alias("timestamp"))
    phases.mark("normalise")
    return df


def flagged(frame, m, k):
    """The flagged values of metric `m` in a frame holding its quartiles `{m}_q1`, `{m}_q3`: strict
    Tukey fences, score in IQR units (null where the IQR is 0)."""
    q1, q3, x = pl.col(f"{m}_q1"), pl.col(f"{m}_q3"), pl.col(m)
    iqr = q3 - q1
    lower, upper = q1 - k * iqr, q3 + k * iqr
    return frame.filter((x > upper) | (x < lower)).select(
        "coin_id", "timestamp", pl.lit(m).alias("metric"), x.alias("value"),
        pl.when(x > upper).then(pl.lit("high")).otherwise(pl.lit("low")).alias("direction"),
        pl.when(iqr > 0).then(pl.when(x > upper).then((x - upper) / iqr).otherwise((lower - x) / iqr))
        .alias("score"))


def report(mode, rows, flags, phases):
    """The peer report line, engine polars."""
    peer_report(mode, "polars", pl.__version__, rows, flags, phases)
