"""The SARIF and JUnit reports: valid against their published schemas (tests/schemas/, taken
unchanged from packages on the registry), one SARIF result and one JUnit failure per finding."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from casualty_schema import RULES, validate
from casualty_schema.errors import ERRORS
from casualty_schema.render import render
from casualty_schema.report import Report
from tests.builder import PackageCopy

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SARIF_SCHEMA = SCHEMAS / "sarif-2.1.0-rtm.5.json"
JUNIT_SCHEMA = SCHEMAS / "jenkins-junit.xsd"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The bundled package with faults of every kind planted: structural (with hints),
    consistency errors, a warning, a control character, a file-level error."""
    pkg = PackageCopy(tmp_path_factory.mktemp("planted"))
    pkg.set("claims", "oir-2019-05-31-airstrikes-34502", quote="وأشار التحالف الدولي في بيان")
    pkg.set("claims", "mp-hussein-2017-civilian-deaths-tens-of-thousands", value="1,302")
    pkg.set("claims", "oir-2017-04-30-civilian-deaths-45", claimant_id="cjtf-ior")
    pkg.set("claims", "oir-2017-04-30-civilian-deaths-352", claim_date="2017-4-30")
    pkg.set("metrics", "reports-open", keywords="xyz")  # quote.keywords warnings
    pkg.set("actors", "coalition", name_en="Coalition\x00 <&> ]]>")  # cells.control, XML
    report = validate(pkg.root)
    assert {"quote.value", "type-error", "foreign-key", "constraint-error", "quote.keywords",
            "cells.control"} <= set(report.counts())  # fmt: skip
    return report


@pytest.mark.parametrize(
    ("path", "digest"),
    [
        (SARIF_SCHEMA, "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"),
        (JUNIT_SCHEMA, "b74f22f7b3e328e08356c268e18fb979ae95e3bcc746f93ae399260310ad0d6f"),
    ],
)
def test_the_schemas_are_the_published_files(path: Path, digest: str) -> None:
    """As taken from their packages (tests/schemas/README.md), not edited by hand."""
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert digest in (SCHEMAS / "README.md").read_text(encoding="utf-8")


def test_sarif_validates_and_has_one_result_per_finding(planted: Report) -> None:
    log = json.loads(render(planted, "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    (run,) = log["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == [*RULES, *ERRORS]  # the metadata is the registries'
    results = run["results"]
    assert len(results) == planted.findings_frame.height
    for result, finding in zip(results, planted.findings, strict=True):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]] == finding.rule
        assert result["level"] == finding.severity
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith(finding.path or "datapackage.json")
        if finding.line is not None:
            assert location["region"]["startLine"] == finding.line
    hinted = [r for r in results if "hint" in r["properties"]]
    assert any(r["properties"]["hint"] == "did you mean cjtf-oir?" for r in hinted)
    assert all(r["properties"]["hint"] in r["message"]["text"] for r in hinted)


def test_sarif_of_a_valid_package_validates() -> None:
    log = json.loads(render(validate(), "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["runs"][0]["results"] == []


def test_junit_validates_with_a_case_per_check_and_a_failure_per_finding(planted: Report) -> None:
    text = render(planted, "junit")
    xmlschema.XMLSchema(str(JUNIT_SCHEMA)).validate(text)
    root = ET.fromstring(text)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(planted.rows) <= set(suites)
    claims = {c.get("name"): c for c in suites["claims"].iter("testcase")}
    assert set(RULES[r].id for r in planted.rules if RULES[r].resource == "claims") <= set(claims)
    assert {"type-error", "blank-row"} <= set(claims)  # every structural check, per file
    failures = root.findall(".//failure")
    errors = planted.findings_frame.filter(planted.findings_frame["severity"] == "error")
    assert len(failures) == errors.height  # warnings are no failures without --strict
    assert [f.get("type") for f in claims["type-error"].findall("failure")] == ["type-error"]
    assert "remove the thousands separator: 1302" in (claims["type-error"][0].text or "")
    assert "warning" in (claims["quote.keywords"].findtext("system-out") or "")
    failing = {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None}
    assert root.get("failures") == str(len([c for c in root.iter("testcase")
                                           if c.find("failure") is not None]))  # fmt: skip
    assert {"quote.value", "foreign-key", "cells.control"} <= failing


def test_junit_strict_makes_warnings_failures(planted: Report) -> None:
    strict = Report(planted.package, planted.findings_frame, rows=planted.rows,
                    rules=planted.rules, strict=True)  # fmt: skip
    root = ET.fromstring(render(strict, "junit"))
    assert len(root.findall(".//failure")) == planted.findings_frame.height
