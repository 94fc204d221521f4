#!/usr/bin/env python3
"""Validates FHIR JSON files independently of Linkwork, with the `fhir.resources` package (PyPI).

Usage: python3 tests/fhir/validate.py FILE.json [FILE.json ...]

Each file holds one resource; it is parsed into the model class its `resourceType` names, which
checks required elements, cardinality, data types and formats (ids, dates, codes, URIs), unknown
elements, and every resource nested in it (Bundle entries, contained resources).

Models: `fhir.resources.R4B` (FHIR 4.3.0). Linkwork sends R4 (4.0.1); fhir.resources has no R4
package in its pydantic-2 releases, and R4B is R4 with a few additions that do not touch the
resources sent here (Patient, ServiceRequest, Task, Observation, Bundle, OperationOutcome).
The version is pinned in scripts/setup.

fhir.resources does not check codes against required bindings nor FHIR JSON's rules against
empty values, so two small checks follow it: the JSON rules (no null, no empty string, array or
object) and the required value sets of the coded elements Linkwork sends (from the R4 spec).

Prints one line per file and, last, "N passed, M failed"; exits non-zero on any failure or
when no file was given.
"""

import json
import sys

from fhir.resources.R4B import get_fhir_model_class

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


def validate(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    resource_type = data.get("resourceType") if isinstance(data, dict) else None
    if not resource_type:
        raise ValueError("no resourceType")
    get_fhir_model_class(resource_type).model_validate(data)
    problems = supplementary_problems(data, where=resource_type)
    if problems:
        raise ValueError("; ".join(problems))
    return resource_type


def main(paths):
    passed = failed = 0
    for path in paths:
        try:
            resource_type = validate(path)
            passed += 1
            print(f"ok   {path} ({resource_type})")
        except Exception as e:  # any parse or validation error is a failure of that file
            failed += 1
            detail = str(e).replace("\n", "\n       ")
            print(f"FAIL {path}: {detail}")
    print(f"{passed} passed, {failed} failed")
    return 0 if paths and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
