#!/usr/bin/env python3
"""Reference values for evalgate's statistics (test/scoring/statistics-*.test.ts).

Writes test/fixtures/statistics/<name>.json from scikit-learn and statsmodels, so the
TypeScript functions are held to the libraries people already trust. The tests never run
Python; re-run this after changing a case and commit the JSON:

    apt-get install python3-sklearn python3-statsmodels   # Debian 12: sklearn 1.2.1, statsmodels 0.13.5
    /usr/bin/python3 scripts/make-statistics-fixtures.py

Each file records the library versions and the exact call that produced each value.
"""

import json
from pathlib import Path

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "statistics"
VERSIONS = {
    "scikit-learn": sklearn.__version__,
    "statsmodels": statsmodels.__version__,
    "numpy": np.__version__,
}


def write(name, source, cases):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({"source": source, "versions": VERSIONS, "cases": cases}, indent=2) + "\n")
    print(f"wrote {path.relative_to(OUT.parent.parent.parent)} ({len(cases)} cases)")


def wilson():
    cases = []
    for count, nobs in [(0, 5), (1, 5), (3, 3), (8, 10), (20, 25), (25, 25), (7, 30), (80, 100), (199, 200), (412, 1000)]:
        for confidence in [0.8, 0.9, 0.95, 0.99]:
            low, high = proportion_confint(count, nobs, alpha=1 - confidence, method="wilson")
            cases.append({"successes": count, "n": nobs, "confidence": confidence, "low": low, "high": high})
    write("wilson", "statsmodels.stats.proportion.proportion_confint(count, nobs, alpha=1-confidence, method='wilson')", cases)


# Rater 2 and 3 of the anxiety data (R package irr, Gamer et al.; as in statsmodels' tests).
ANXIETY = np.array([
    3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3, 3, 6, 4,
    6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4, 2, 1, 4, 4, 3, 2,
    1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2,
]).reshape(20, 3, order="F")


def cohen():
    rng = np.random.default_rng(20241101)
    judge = rng.integers(1, 5, size=40)
    # a human who agrees with the judge most of the time, off by one otherwise
    human = np.clip(judge + rng.choice([-1, 0, 0, 0, 1], size=40), 1, 4)
    pairs = [
        ("anxiety raters 2 and 3 (irr)", ANXIETY[:, 1].tolist(), ANXIETY[:, 2].tolist(), None),
        ("anxiety raters 1 and 2 (irr)", ANXIETY[:, 0].tolist(), ANXIETY[:, 1].tolist(), None),
        ("judge vs human, 1-4, seeded", judge.tolist(), human.tolist(), None),
        ("binary pass/fail", [1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1], [1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1], None),
        ("1-4 with 3 unused, labels given", [1, 2, 4, 4, 2, 1, 4, 2], [1, 2, 4, 2, 2, 1, 4, 4], [1, 2, 3, 4]),
        ("1-4 with 3 unused, labels inferred", [1, 2, 4, 4, 2, 1, 4, 2], [1, 2, 4, 2, 2, 1, 4, 4], None),
    ]
    cases = []
    for name, a, b, labels in pairs:
        for weights in ["none", "linear", "quadratic"]:
            kappa = cohen_kappa_score(a, b, labels=labels, weights=None if weights == "none" else weights)
            cases.append({"name": name, "a": [int(x) for x in a], "b": [int(x) for x in b], "labels": labels, "weights": weights, "kappa": float(kappa)})
    write("cohen-kappa", "sklearn.metrics.cohen_kappa_score(a, b, labels=labels, weights=None|'linear'|'quadratic')", cases)


# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists, 5 diagnoses (the irr package's `diagnoses`).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def fleiss():
    counts = aggregate_raters(np.array(DIAGNOSES))[0].tolist()
    cases = [
        {"name": "Fleiss 1971 diagnoses", "counts": counts, "kappa": float(fleiss_kappa(np.array(counts)))},
        {"name": "Wikipedia worked example", "counts": WIKIPEDIA, "kappa": float(fleiss_kappa(np.array(WIKIPEDIA)))},
    ]
    write("fleiss-kappa", "statsmodels.stats.inter_rater.fleiss_kappa(counts) (counts from aggregate_raters for the diagnoses)", cases)


def clustered():
    rng = np.random.default_rng(7)
    datasets = []
    # 12 examples x 3 repeats of pass/fail with an example effect
    ability = rng.uniform(0.2, 0.95, size=12)
    values = [int(rng.random() < ability[e]) for e in range(12) for _ in range(3)]
    datasets.append(("pass/fail, 12 examples x 3 repeats", values, [e for e in range(12) for _ in range(3)]))
    # unequal cluster sizes, 1-4 scores
    sizes = [1, 2, 5, 3, 4, 1, 2, 6]
    labels = [f"ex-{c}" for c, size in enumerate(sizes) for _ in range(size)]
    scores = [int(x) for x in rng.integers(1, 5, size=len(labels))]
    datasets.append(("scores 1-4, unequal clusters", scores, labels))
    # identical repeats: the clustered SE equals the SE of the per-example values
    base = [1, 0, 1, 1, 1, 0, 1, 1, 1, 1]
    datasets.append(("identical repeats x4", [v for v in base for _ in range(4)], [e for e in range(10) for _ in range(4)]))
    datasets.append(("singletons", base, list(range(10))))
    cases = []
    for name, y, groups in datasets:
        codes = np.unique(np.array(groups, dtype=object).astype(str), return_inverse=True)[1]
        X = np.ones((len(y), 1))
        corrected = sm.OLS(np.array(y, dtype=float), X).fit(cov_type="cluster", cov_kwds={"groups": codes}).bse[0]
        plain = sm.OLS(np.array(y, dtype=float), X).fit(
            cov_type="cluster", cov_kwds={"groups": codes, "use_correction": False}
        ).bse[0]
        cases.append({"name": name, "values": y, "clusters": groups, "standardError": float(plain), "standardErrorCorrected": float(corrected)})
    write(
        "clustered-standard-error",
        "statsmodels OLS(y, ones).fit(cov_type='cluster', cov_kwds={'groups': g, 'use_correction': False}).bse[0] "
        "(standardError) and with the default use_correction=True (standardErrorCorrected)",
        cases,
    )


def mcnemar_exact():
    cases = []
    for table in [(20, 12, 2, 16), (1, 1, 7, 12), (8, 3, 1, 2), (7, 25, 2, 68), (30, 0, 0, 20), (40, 9, 9, 2), (5, 60, 41, 3)]:
        e, f, g, h = table
        result = mcnemar(np.array([[e, f], [g, h]]), exact=True)
        cases.append({"table": list(table), "pValue": float(result.pvalue)})
    write("mcnemar-exact", "statsmodels.stats.contingency_tables.mcnemar([[e, f], [g, h]], exact=True).pvalue", cases)


if __name__ == "__main__":
    wilson()
    cohen()
    fleiss()
    clustered()
    mcnemar_exact()
