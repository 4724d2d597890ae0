"""Precision and recall of `sdiagram lint` on the realistic blueprints in
tests/lint/realistic/ against what a senior reviewer expects there
(`# expect:` plus `# known-miss:` lines; see tests/lint/expectations.py).

    python bench/lint_quality.py                    # the sdiagram on sys.path
    PYTHONPATH=/tmp/old python bench/lint_quality.py   # score another version

A reported finding is a true positive when its line:column, rule and subject
match an expectation exactly. Prints one row per blueprint and the totals.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REALISTIC = HERE.parent / "tests" / "lint" / "realistic"
sys.path.insert(0, str(REALISTIC.parent))

from expectations import read, reported  # noqa: E402

from sdiagram.lint import lint_file  # noqa: E402


def main(verbose: bool) -> int:
    total_tp = total_reported = total_expected = 0
    print(f"sdiagram from {Path(sys.modules['sdiagram'].__file__).parent}")
    print(f"{'blueprint':28} {'reported':>8} {'expected':>8} {'matched':>8}")
    for path in sorted(REALISTIC.glob("*.yaml")):
        truth = read(path).reviewer
        got = reported(lint_file(str(path), discover=False).findings)
        matched = truth & got
        total_tp += len(matched)
        total_reported += len(got)
        total_expected += len(truth)
        print(f"{path.stem:28} {len(got):8} {len(truth):8} {len(matched):8}")
        if verbose:
            for item in sorted(got - truth):
                print(f"    noise: {item}")
            for item in sorted(truth - got):
                print(f"    miss:  {item}")
    precision = total_tp / total_reported if total_reported else 1.0
    recall = total_tp / total_expected if total_expected else 1.0
    print(f"{'total':28} {total_reported:8} {total_expected:8} {total_tp:8}")
    print(f"precision {precision:.2f}  recall {recall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main("-v" in sys.argv[1:]))
