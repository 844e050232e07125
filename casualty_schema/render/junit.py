"""JUnit XML, as GitLab, Jenkins and most CI dashboards read it (the Jenkins JUnit schema).

One ``testsuite`` per resource (the file), and one for the descriptor itself
(``datapackage.json``); in each, one ``testcase`` per check and resource: every structural
error type (each applies to every file) and every consistency rule that ran, in the suite of
the resource it checks and of any resource it reported on. A test case has one ``failure``
per error it found (``type`` the rule, ``message`` where and what, the text adding the hint);
a warning is a failure only with ``--strict``, else it is listed in the test case's
``system-out``, so a dashboard shows it without failing the run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from casualty_schema.errors import ERRORS
from casualty_schema.findings import Finding
from casualty_schema.render import REPORT_FORMATS
from casualty_schema.report import Report
from casualty_schema.rules import RULES

DEFAULT_LIMIT = REPORT_FORMATS["junit"].default_limit
#: The error types of the descriptor, not of a file: they have their own suite.
PACKAGE_TYPES = ("package-error", "schema-version")
# characters XML 1.0 cannot hold, even escaped (a cells.control finding quotes them)
_NOT_XML = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _where(f: Finding) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (("row", f.row), ("line", f.line), ("field", f.field), ("key", f.key))
        if value is not None
    ]
    return ", ".join(parts)


def _cases(report: Report) -> dict[str, dict[str, list[Finding]]]:
    """{suite: {check: findings}}, every check that ran, in order."""
    package = report.package
    suites: dict[str, dict[str, list[Finding]]] = {package: {t: [] for t in PACKAGE_TYPES}}
    for resource in report.rows:
        suites[resource] = {t: [] for t in ERRORS if t not in PACKAGE_TYPES}
    for rule_id in report.rules:
        suites.setdefault(RULES[rule_id].resource, {})[rule_id] = []
    for f in report.iter_findings():
        suite = f.resource if f.resource is not None else package
        suites.setdefault(suite, {}).setdefault(f.rule, []).append(f)
    return suites


def render(report: Report, limit: int | None = DEFAULT_LIMIT, **_: object) -> str:
    """The JUnit XML of ``report``; at most ``limit`` failures are written out in all (the
    rest are counted in the test case's ``system-out``), None: all."""
    fails = {"error"} | ({"warning"} if report.strict else set())
    root = ET.Element("testsuites", name="casualty-schema")
    total_tests = total_failures = 0
    written = 0
    for suite_name, cases in _cases(report).items():
        suite = ET.SubElement(root, "testsuite", name=suite_name)
        failures = 0
        for check, found in cases.items():
            case = ET.SubElement(suite, "testcase", name=check, classname=suite_name)
            failing = [f for f in found if f.severity in fails]
            notes = [
                f"{f.severity}: {_where(f)}: {f.message}" for f in found if f.severity not in fails
            ]
            for f in failing:
                if limit is not None and written >= limit:
                    notes.append(f"… and more {f.rule} failures (--limit 0 lists all)")
                    break
                written += 1
                text = f"{_where(f)}: {f.message}" + (f"\nhint: {f.hint}" if f.hint else "")
                failure = ET.SubElement(
                    case, "failure", type=f.rule, message=_xml(f"{_where(f)}: {f.message}")
                )
                failure.text = _xml(text)
            if notes:
                ET.SubElement(case, "system-out").text = _xml("\n".join(notes))
            failures += bool(failing)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(cases)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
