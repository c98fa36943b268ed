#!/usr/bin/env python3
"""Make the named-format samples in Samples/formats/ from the raw files in DATA_DIR.

Usage: python3 make_format_samples.py DATA_DIR Samples/formats

Real excerpts are byte-for-byte the first lines of the raw files. The ACLED, ICEWS and
GDELT-mentions samples are *layout* samples: real UCDP / GDELT events written in those
exports' column layouts (no ACLED, ICEWS or mentions data is redistributed here).
"""
import csv
import os
import sys
from urllib.parse import urlparse

data, out = sys.argv[1], sys.argv[2]


def head_lines(src, dst, n):
    with open(src, "rb") as f, open(dst, "wb") as g:
        for i, line in enumerate(f):
            if i >= n:
                break
            g.write(line)


# Real excerpts.
head_lines(f"{data}/gdelt-v2-events/20150218230000.export.CSV", f"{out}/20150218230000.export.CSV", 300)
head_lines(f"{data}/gdelt-v1-events/events.csv", f"{out}/gdelt1-events.csv", 710)  # the whole file
head_lines(f"{data}/gdelt-cameo-lookups/CAMEO.eventcodes.txt", f"{out}/CAMEO.eventcodes.txt", 10_000)


def head_rows(src, dst, n):
    """The header and the first n rows (UCDP cells hold line breaks: cut by rows, not lines)."""
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(dst, "w", newline="", encoding="utf-8") as g:
        csv.writer(g, lineterminator="\n").writerows(rows[: n + 1])
    return rows


head_rows(f"{data}/ucdp-ged/ucdpged.csv", f"{out}/ucdpged.csv", 300)
syria = head_rows(f"{data}/ucdp-ged/ucdp_syria_df.csv", f"{out}/ucdp-syria-ged.csv", 200)

# ACLED layout, from the UCDP Syria rows.
ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
         "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
         "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
         "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
         "fatalities", "tags", "timestamp"]
VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
names = syria[0]
with open(f"{out}/acled-layout.csv", "w", newline="", encoding="utf-8") as g:
    w = csv.writer(g, lineterminator="\n")
    w.writerow(ACLED)
    for row in syria[1:201]:
        r = dict(zip(names, row))
        w.writerow([f"SYR{r['id']}", r["date_start"], r["year"], r["date_prec"], "Political violence",
                    VIOLENCE[r["type_of_violence"]], "", r["side_a"], "", "", r["side_b"], "", "", "", "",
                    "760", "Middle East", r["country"], r["adm_1"], r["adm_2"], "", r["where_coordinates"],
                    r["latitude"], r["longitude"], r["where_prec"], r["source_office"], "", r["source_headline"],
                    r["best"], "", ""])

# GDELT 2.0 events rows, for the ICEWS and mentions layouts.
with open(f"{out}/20150218230000.export.CSV", encoding="utf-8") as f:
    gdelt = [line.rstrip("\n").split("\t") for line in f]
codes = {}
with open(f"{out}/CAMEO.eventcodes.txt", encoding="utf-8") as f:
    for line in list(f)[1:]:
        code, label = line.rstrip("\n").split("\t")
        codes[code] = label

ICEWS = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
         "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
         "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude"]
with open(f"{out}/icews-layout.tab", "w", encoding="utf-8") as g:
    g.write("\t".join(ICEWS) + "\n")
    for r in gdelt[:200]:
        d = r[1]
        place = [p.strip() for p in r[52].split(",")]
        g.write("\t".join([r[0], f"{d[:4]}-{d[4:6]}-{d[6:]}", r[6], r[12], r[7], codes.get(r[26], ""), r[26],
                           r[30], r[16], r[22], r[17], "", "", urlparse(r[60]).netloc, place[0] if len(place) > 2 else "",
                           "", place[1] if len(place) > 2 else "", place[-1] if r[52] else "", r[56], r[57]]) + "\n")

with open(f"{out}/20150218230000.mentions.CSV", "w", encoding="utf-8") as g:
    for r in gdelt[:200]:
        g.write("\t".join([r[0], r[59], r[59], "1", urlparse(r[60]).netloc, r[60], "1", "-1", "-1", "-1",
                           "1", "100", "", r[34], "", ""]) + "\n")
