#!/usr/bin/env python3
"""Writes a synthetic Open Referral UK 3.0 feed of full service records, for measuring imports.

Usage: python3 tests/oruk/generate_feed.py N OUT [--per-file K]

With OUT ending in .json: one JSON array of N records. Otherwise OUT is a folder, filled with files
of K records each (default 100), as a feed pulled page by page and saved. Every record has an
organisation (one per 10 services), one or two locations with an address and coordinates around
53.80, -1.55, a schedule, a phone and two taxonomy terms (one of them a need domain by name).
Ids are UUIDv5, so the same N always gives the same feed (a second import is all "unchanged").
"""

import json
import os
import sys
import uuid

NS = uuid.UUID("7d3c1f4e-2b6a-4e8f-9c1d-5a0b3e2f4d6c")
TERMS = ["Loneliness", "Mental wellbeing", "Physical activity", "Money, debt and benefits", "Gardening", "Crafts", "Cooking", "Music"]


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def record(i):
    org = i // 10
    term = lambda k: {
        "id": uid("term", TERMS[k]),
        "name": TERMS[k],
        "description": f"Activities: {TERMS[k]}",
        "taxonomy_id": uid("taxonomy"),
    }
    locations = []
    for j in range(1 + i % 2):
        n = i * 2 + j
        locations.append({
            "id": uid("sal", i, j),
            "location": {
                "id": uid("location", n),
                "location_type": "physical",
                "name": f"Venue {n}",
                "latitude": round(53.70 + (n * 7919 % 2000) / 10000, 6),
                "longitude": round(-1.65 + (n * 104729 % 2000) / 10000, 6),
                "addresses": [{
                    "id": uid("address", n),
                    "address_1": f"{n} High Street",
                    "city": "Riverside",
                    "state_province": "West Yorkshire",
                    "postal_code": f"RV{1 + n % 9} {n % 10}{'ABDEFGHJLN'[n % 10]}{'PQRSTUWXYZ'[(n // 10) % 10]}",
                    "country": "GB",
                    "address_type": "physical",
                }],
            },
        })
    return {
        "id": uid("service", i),
        "name": f"Community activity {i:05d}",
        "description": f"A friendly weekly group, number {i}.",
        "url": f"https://example.org/services/{i}",
        "email": f"group{i}@example.org",
        "status": "active" if i % 17 else "inactive",
        "fees": "Free" if i % 3 else "£2 a session",
        "minimum_age": 18 if i % 4 else 0,
        "last_modified": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
        "organization": {"id": uid("org", org), "name": f"Riverside charity {org}", "description": "A local charity", "website": "https://example.org"},
        "service_at_locations": locations,
        "schedules": [{"id": uid("schedule", i), "freq": "WEEKLY", "interval": 1, "byday": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][i % 7], "opens_at": "10:00:00", "closes_at": "12:00:00"}],
        "phones": [{"id": uid("phone", i), "number": f"0113 496 {i % 10000:04d}"}],
        "attributes": [
            {"id": uid("attribute", i, 0), "link_type": "activity", "taxonomy_term": term(i % 4)},
            {"id": uid("attribute", i, 1), "link_type": "activity", "taxonomy_term": term(4 + i % 4)},
        ],
    }


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    n, out = int(argv[0]), argv[1]
    per_file = int(argv[argv.index("--per-file") + 1]) if "--per-file" in argv else 100
    records = [record(i) for i in range(n)]
    if out.endswith(".json"):
        with open(out, "w", encoding="utf-8") as f:
            json.dump(records, f)
    else:
        os.makedirs(out, exist_ok=True)
        for start in range(0, n, per_file):
            with open(os.path.join(out, f"services-{start // per_file + 1:04d}.json"), "w", encoding="utf-8") as f:
                json.dump(records[start:start + per_file], f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
