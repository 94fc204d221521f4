#!/usr/bin/env python3
"""Writes a schemathesis.toml that points the path parameters of the API at records that exist
(a referral, its person, a service, an onward referral and a partner organisation of the synthetic
bundle), so generated requests reach the use cases instead of stopping at "not found".

Usage: config.py BASE_URL LINK_WORKER_TOKEN PARTNER_TOKEN > schemathesis.toml
"""

import json
import sys
import urllib.request


def get(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main():
    base, lw, partner = sys.argv[1:4]
    referrals = get(base, lw, "/api/referrals")
    referral = referrals[0]["referral_id"]
    person = get(base, lw, f"/api/referrals/{referral}")["person"]["id"]
    service = get(base, lw, "/api/directory/services")[0]["service"]["id"]
    onward = get(base, partner, "/api/partner/onward-referrals")
    onward_id = onward[0]["onward"]["id"] if onward else "none"
    provider = onward[0]["onward"]["provider_org_id"] if onward else "none"
    sections = [
        ("^/api/referrals/", {"path.id": referral}),
        ("^/api/people/", {"path.id": person}),
        ("^/api/directory/services/", {"path.id": service}),
        ("^/api/partner/onward-referrals/", {"path.id": onward_id}),
        ("^/api/reports/partners/", {"path.org_id": provider}),
    ]
    out = ["# Written by tests/schemathesis/config.py for one run."]
    for regex, parameters in sections:
        values = ", ".join(f'"{k}" = {json.dumps(v)}' for k, v in parameters.items())
        out += ["", "[[operations]]", f'include-path-regex = "{regex}"', f"parameters = {{ {values} }}"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
