#!/usr/bin/env python3
"""Exports scikit-learn's 8x8 digits (load_digits: 1,797 images, 10 classes; a
copy of the UCI optdigits test set, BSD-3 as part of scikit-learn) as Reverie
pattern files for the dense associative memory (docs/science.md §7):

- each image binarised, pixel value >= 8 (of 0..16) -> 1, else 0 (read as +1/-1);
- followed by its one-hot label, 10 values (class k: unit 64 + k is 1);
- a fixed stratified split, sklearn.model_selection.train_test_split(test_size=0.25,
  stratify=labels, random_state=0): 1,347 training and 450 test items, in the
  order the split returns them.

Run in the repository's .venv (scripts/bootstrap.sh installs scikit-learn):
    .venv/bin/python scripts/export-digits.py [--check]
--check compares the committed files with a fresh export instead of writing.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OUT = Path(__file__).resolve().parent.parent / "data" / "digits"
THRESHOLD = 8


def export():
    digits = load_digits()
    x = (digits.data >= THRESHOLD).astype(int)
    y = digits.target
    labels = np.zeros((len(y), 10), dtype=int)
    labels[np.arange(len(y)), y] = 1
    items = np.concatenate([x, labels], axis=1)
    train, test = train_test_split(items, test_size=0.25, stratify=y, random_state=0)
    files = {}
    for name, part in (("digits-train.txt", train), ("digits-test.txt", test)):
        header = (f"# scikit-learn {sklearn.__version__} load_digits (UCI optdigits, BSD-3; see LICENSE), "
                  f"{len(part)} items of the stratified split test_size=0.25 random_state=0\n"
                  f"# 64 pixels (value >= {THRESHOLD} of 16 -> 1, else 0) then the one-hot label (10 units); 0/1 read as -1/+1\n")
        files[name] = header + "".join(" ".join(map(str, row)) + "\n" for row in part)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    files = export()
    if a.check:
        bad = [n for n, text in files.items()
               if [l for l in (OUT / n).read_text().splitlines() if not l.startswith("#")]
               != [l for l in text.splitlines() if not l.startswith("#")]]
        if bad:
            sys.exit(f"differs from a fresh export: {', '.join(bad)}")
        print("data/digits matches a fresh export")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        (OUT / n).write_text(text)
    print(f"wrote {', '.join(files)} into {OUT}")


if __name__ == "__main__":
    main()
