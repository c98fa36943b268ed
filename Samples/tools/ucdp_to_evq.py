#!/usr/bin/env python3
"""Convert the UCDP GED Syria CSV (ucdp_syria_df.csv) to the evq event layout.

Usage: python3 ucdp_to_evq.py INPUT.csv OUTPUT.csv

Every input row becomes exactly one output row; only the column layout changes
(renaming/reordering, plus code -> label for type_of_violence and date_prec).
Values are copied as text, unmodified.
"""
import csv
import sys

LEADING = ["id", "date", "date_precision", "type", "subtype", "actor1", "actor2",
           "country", "admin1", "location", "lat", "lon", "fatalities", "source", "notes"]
EXTRA = ["date_end", "low", "high", "type_of_violence", "deaths_a", "deaths_b",
         "deaths_civilians", "deaths_unknown", "admin2", "where_prec", "event_clarity",
         "number_of_sources", "conflict_name", "dyad_name", "ucdp_id"]

# GED codebook 19.1, date_prec: 1 exact day; 2 within 2-6 days; 3 only the week known;
# 4 within 8-30 days or only the month known; 5 within 2 months - 1 year.
DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}


def convert(row):
    return {
        "id": "ucdp-" + row["id"],
        "date": row["date_start"],
        "date_precision": DATE_PREC[row["date_prec"]],
        "type": VIOLENCE[row["type_of_violence"]],
        "subtype": "",
        "actor1": row["side_a"],
        "actor2": row["side_b"],
        "country": row["country"],
        "admin1": row["adm_1"],
        "location": row["where_coordinates"],
        "lat": row["latitude"],
        "lon": row["longitude"],
        "fatalities": row["best"],
        "source": row["source_office"],
        "notes": row["source_headline"],
        "date_end": row["date_end"],
        "low": row["low"],
        "high": row["high"],
        "type_of_violence": row["type_of_violence"],
        "deaths_a": row["deaths_a"],
        "deaths_b": row["deaths_b"],
        "deaths_civilians": row["deaths_civilians"],
        "deaths_unknown": row["deaths_unknown"],
        "admin2": row["adm_2"],
        "where_prec": row["where_prec"],
        "event_clarity": row["event_clarity"],
        "number_of_sources": row["number_of_sources"],
        "conflict_name": row["conflict_name"],
        "dyad_name": row["dyad_name"],
        "ucdp_id": row["id"],
    }


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ucdp_to_evq.py INPUT.csv OUTPUT.csv")
    n = 0
    with open(argv[1], newline="", encoding="utf-8") as fin, \
            open(argv[2], "w", newline="", encoding="utf-8") as fout:
        writer = csv.DictWriter(fout, fieldnames=LEADING + EXTRA,
                                quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writeheader()
        for row in csv.DictReader(fin):
            writer.writerow(convert(row))
            n += 1
    print(f"wrote {n} rows to {argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
