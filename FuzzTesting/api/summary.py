"""Prints what the schemathesis runs of scripts/fuzz-api.sh found, from their JUnit reports.

    summary.py REPORTS_DIR RUN...

One line per run (operations tested, cases generated, failures, from its console log), then
every failure once: its check, its operation, and the runs that met it.
"""

import glob
import os
import re
import sys
import xml.etree.ElementTree as ElementTree


def console_figures(log: str) -> tuple[str, str, str]:
    text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
    tested = re.search(r"^\s+Tested: (\d+)", text, re.M)
    generated = re.search(r"^\s+(\d+) generated", text, re.M)
    failures = re.search(r"(\d+) unique failures?", text)
    errors = re.search(r"(\d+) errors?\b", text.split("SUMMARY")[-1]) if "SUMMARY" in text else None
    return (
        tested.group(1) if tested else "?",
        generated.group(1) if generated else "?",
        (failures.group(1) if failures else "0") + (f", {errors.group(1)} errors" if errors else ""),
    )


def main() -> None:
    reports, runs = sys.argv[1], sys.argv[2:]
    found: dict[tuple[str, str], list[str]] = {}
    print(f"{'run':<12} {'status':<8} {'operations':>10} {'cases':>7}  failures")
    for run in runs:
        folder = os.path.join(reports, run)
        status_file = os.path.join(folder, "status")
        status = open(status_file).read().strip() if os.path.exists(status_file) else "not run"
        tested, generated, failures = console_figures(os.path.join(folder, "st.log"))
        verdict = "passed" if status == "0" else f"exit {status}" if status.isdigit() else status
        print(f"{run:<12} {verdict:<8} {tested:>10} {generated:>7}  {failures}")
        for report in glob.glob(os.path.join(folder, "junit*.xml")):
            for case in ElementTree.parse(report).getroot().iter("testcase"):
                for failure in case.findall("failure") + case.findall("error"):
                    titles = re.findall(r"^- (ST\d+ [^\n]+)$", failure.text or "", re.M) or [failure.get("message", "?")]
                    for title in titles:
                        found.setdefault((title, case.get("name", "?")), [])
                        if run not in found[(title, case.get("name", "?"))]:
                            found[(title, case.get("name", "?"))].append(run)
    if found:
        print("\nfailures by check and operation (the runs that met them):")
        for (title, operation), seen in sorted(found.items()):
            print(f"  {title:<45} {operation:<50} {', '.join(seen)}")


if __name__ == "__main__":
    main()
