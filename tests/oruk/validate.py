#!/usr/bin/env python3
"""Validates Open Referral UK 3.0 JSON documents against the published UK profile's JSON schemas,
independently of Linkwork, with the `jsonschema` package (PyPI).

Usage: python3 tests/oruk/validate.py FILE.json [FILE.json ...]

A file's name starts with its kind and a dot (`service.sqlite.example.json`), as the web tests
write them (crates/web/tests/oruk.rs with LINKWORK_ORUK_SAMPLES). The schemas are in
tests/oruk/schema/, copied unchanged from the profile (see the LICENSE and README there):

    kind                        schema
    meta                        the `GET /` response in openapi.json
    service                     compiled/service.json (schema/service.json here)
    service_at_location         service_at_location.json
    taxonomy                    taxonomy.json (its terms: taxonomy_term.json)
    taxonomy_term               taxonomy_term.json
    services_page               the page envelope, each of `contents` by service_list.json
    service_at_locations_page   the page envelope, each of `contents` by service_at_location_list.json
    taxonomies_page             the page envelope, each of `contents` by taxonomy.json
    taxonomy_terms_page         the page envelope, each of `contents` by taxonomy_term.json

The page envelope is openapi.json's `Page` schema, with every field of it (and `contents`) required
as the profile's API reference lists them. Validation uses JSON Schema 2020-12 (the OpenAPI
document's dialect) and checks formats: uuid, email, date-time, and uri (jsonschema checks uri only
with an optional package, so a small standard-library check stands in: an absolute URI with a
scheme and, for http(s), a host).

Prints one line per file and, last, "N passed, M failed"; exits non-zero on any failure or when
no file was given.
"""

import json
import os
import sys
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema")


def load(name):
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
        return json.load(f)


FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@FORMATS.checks("uri")
def is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if not parts.scheme or any(c.isspace() for c in value):
        return False
    return bool(parts.netloc) if parts.scheme in ("http", "https") else bool(parts.path or parts.netloc)


OPENAPI = load("openapi.json")
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(load(name), default_specification=DRAFT202012)) for name in ("taxonomy.json", "taxonomy_term.json")
)


def validator(schema):
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def page_schema():
    page = dict(OPENAPI["components"]["schemas"]["Page"])
    page["properties"] = dict(page["properties"], contents={"type": "array"})
    page["required"] = sorted(page["properties"])
    return page


META = OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
META = dict(META, required=["version", "profile", "openapi_url"])

SINGLE = {
    "meta": META,
    "service": load("service.json"),
    "service_at_location": load("service_at_location.json"),
    "taxonomy": load("taxonomy.json"),
    "taxonomy_term": load("taxonomy_term.json"),
}
PAGES = {
    "services_page": load("service_list.json"),
    "service_at_locations_page": load("service_at_location_list.json"),
    "taxonomies_page": load("taxonomy.json"),
    "taxonomy_terms_page": load("taxonomy_term.json"),
}
VALIDATORS = {kind: validator(schema) for kind, schema in {**SINGLE, **PAGES}.items()}
PAGE = validator(page_schema())


def json_path(where, path):
    return where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def errors_of(v, document, where):
    return [f"{json_path(where, e.absolute_path)}: {e.message}" for e in v.iter_errors(document)]


def validate(path):
    kind = os.path.basename(path).split(".", 1)[0]
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    if kind in SINGLE:
        problems = errors_of(VALIDATORS[kind], document, "$")
        count = 1
    elif kind in PAGES:
        problems = errors_of(PAGE, document, "$")
        contents = document.get("contents", []) if isinstance(document, dict) else []
        for i, item in enumerate(contents):
            problems += errors_of(VALIDATORS[kind], item, f"$.contents[{i}]")
        if isinstance(document, dict) and document.get("size") != len(contents):
            problems.append(f"$.size: {document.get('size')} but {len(contents)} items in contents")
        count = len(contents)
    else:
        raise ValueError(f"unknown kind {kind!r} (the file name must start with one of {', '.join(sorted({**SINGLE, **PAGES}))})")
    if problems:
        raise ValueError("; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""))
    return kind, count


def main(paths):
    if not paths:
        print("usage: validate.py FILE.json [FILE.json ...]", file=sys.stderr)
        print("0 passed, 0 failed")
        return 1
    passed = failed = 0
    for path in paths:
        try:
            kind, count = validate(path)
            print(f"ok    {path} ({kind}{f', {count} items' if kind in PAGES else ''})")
            passed += 1
        except Exception as e:  # a report line per file, whatever went wrong
            print(f"FAIL  {path}: {e}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
