"""ember.vision.datasets, io and utils on tiny files written in each data set's real format.

The official MD5 sums cannot match these stand-in files, so tests point the classes' checksum tables at the
files they write; downloads go through ``file://`` URLs (the same urllib path, MD5 check, extraction and
progress bar as a network download).
"""
import gzip
import hashlib
import io as _io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest
import torch

import ember
from ember.vision import datasets, io as vio, utils as vutils
from ember.vision.datasets import utils as dutils

Image = pytest.importorskip("PIL.Image")


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def idx_bytes(arr, type_code):
    """An IDX file: magic 0x0000TTNN, big-endian sizes, big-endian data."""
    head = bytes([0, 0, type_code, arr.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in arr.shape)
    dtype = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}[type_code]
    return head + arr.astype(dtype).tobytes()


RNG = np.random.default_rng(0)
MNIST_IMAGES = RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8)
MNIST_LABELS = np.array([3, 1, 4, 1, 5], np.uint8)


def _write_mnist_gz(folder, prefix="train"):
    os.makedirs(folder, exist_ok=True)
    files = {}
    for kind, arr in (("images-idx3-ubyte", MNIST_IMAGES), ("labels-idx1-ubyte", MNIST_LABELS)):
        name = f"{prefix}-{kind}.gz"
        with gzip.open(os.path.join(folder, name), "wb") as f:
            f.write(idx_bytes(arr, 8))
        files[name] = md5(os.path.join(folder, name))
    return files


def test_read_sn3_all_types(tmp_path):
    for code, arr in ((8, np.arange(6, dtype=np.uint8).reshape(2, 3)), (9, np.array([-3, 4], np.int8)),
                      (11, np.array([[-300, 2], [5, 7]], np.int16)), (12, np.array([1 << 20, -5], np.int32)),
                      (13, np.array([1.5, -2.25], np.float32)), (14, np.array([[3.125]], np.float64))):
        p = tmp_path / f"f{code}"
        p.write_bytes(idx_bytes(arr, code))
        t = datasets.mnist.read_sn3_pascalvincent_tensor(str(p))
        np.testing.assert_array_equal(t.numpy(), arr)
        assert t.numpy().dtype == arr.dtype


def test_mnist_download_from_mirror_and_read(tmp_path, monkeypatch, capsys):
    mirror = tmp_path / "mirror"
    files = _write_mnist_gz(str(mirror), "train")
    files.update(_write_mnist_gz(str(mirror), "t10k"))
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["file:///nonexistent/", mirror.as_uri() + "/"])
    monkeypatch.setattr(datasets.MNIST, "resources", list(files.items()))
    root = tmp_path / "data"
    ds = datasets.MNIST(str(root), train=True, download=True)
    raw = root / "MNIST" / "raw"
    assert (raw / "train-images-idx3-ubyte").is_file() and (raw / "t10k-labels-idx1-ubyte.gz").is_file()
    assert len(ds) == 5 and ds.data.dtype == ember.uint8 and ds.targets.dtype == ember.int64
    np.testing.assert_array_equal(ds.data.numpy(), MNIST_IMAGES)
    img, target = ds[2]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    np.testing.assert_array_equal(np.asarray(img), MNIST_IMAGES[2])
    assert target == 4 and type(target) is int
    assert ds.class_to_idx["4 - four"] == 4
    assert repr(ds) == f"Dataset MNIST\n    Number of datapoints: 5\n    Root location: {root}\n    Split: Train"
    # later constructions find the files; transforms apply
    from ember.vision import transforms as T
    test = datasets.MNIST(str(root), train=False, transform=T.ToTensor(), target_transform=lambda t: t * 10)
    x, y = test[0]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == ember.float32 and y == 30
    assert "Split: Test" in repr(test) and "StandardTransform" in repr(test)
    assert capsys.readouterr().err  # the download showed progress on stderr


def test_mnist_missing_files_and_offline_download(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="download=True"):
        datasets.MNIST(str(tmp_path))
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["file:///nonexistent/mirror/"])
    with pytest.raises(RuntimeError) as err:
        datasets.MNIST(str(tmp_path), download=True)
    msg = str(err.value)
    assert "train-images-idx3-ubyte.gz" in msg and os.path.join(str(tmp_path), "MNIST", "raw") in msg


def test_mnist_reads_legacy_processed_files(tmp_path):
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    for name, n in (("training.pt", 5), ("test.pt", 2)):
        torch.save((torch.tensor(MNIST_IMAGES[:n]), torch.tensor(MNIST_LABELS[:n]).long()), processed / name)
    ds = datasets.MNIST(str(tmp_path), train=False)
    assert len(ds) == 2 and ds[1][1] == 1
    np.testing.assert_array_equal(np.asarray(ds[0][0]), MNIST_IMAGES[0])


def test_mnist_family_layouts(tmp_path):
    for cls, classes0 in ((datasets.FashionMNIST, "T-shirt/top"), (datasets.KMNIST, "o")):
        raw = tmp_path / cls.__name__ / "raw"
        raw.mkdir(parents=True)
        for prefix in ("train", "t10k"):  # all four files must be present, as torchvision checks
            (raw / f"{prefix}-images-idx3-ubyte").write_bytes(idx_bytes(MNIST_IMAGES, 8))
            (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(idx_bytes(MNIST_LABELS, 8))
        ds = cls(str(tmp_path), train=False)
        assert len(ds) == 5 and ds.classes[0] == classes0 and ds[1][1] == 1
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "emnist-letters-train-images-idx3-ubyte").write_bytes(idx_bytes(MNIST_IMAGES, 8))
    (raw / "emnist-letters-train-labels-idx1-ubyte").write_bytes(idx_bytes(MNIST_LABELS, 8))
    em = datasets.EMNIST(str(tmp_path), split="letters")
    assert len(em) == 5 and em.classes[:3] == ["N/A", "a", "b"] and em[0][1] == 3
    with pytest.raises(ValueError, match="split"):
        datasets.EMNIST(str(tmp_path), split="words")
    raw = tmp_path / "QMNIST" / "raw"
    raw.mkdir(parents=True)
    labels = np.stack([MNIST_LABELS.astype(np.int32), np.arange(5, dtype=np.int32) + 100] + [np.zeros(5, np.int32)] * 6, 1)
    (raw / "qmnist-test-images-idx3-ubyte").write_bytes(idx_bytes(MNIST_IMAGES, 8))
    (raw / "qmnist-test-labels-idx2-int").write_bytes(idx_bytes(labels, 12))
    q = datasets.QMNIST(str(tmp_path), what="test")
    assert q[4][1] == 5 and q.targets.shape == (5, 8)
    q2 = datasets.QMNIST(str(tmp_path), what="test10k", compat=False)
    assert q2[1][1].tolist() == labels[1].tolist()
    assert "Split: test10k" in repr(q2)


def _write_cifar(root, folder, train_names, test_names, meta_name, key, label_key, classes):
    base = os.path.join(root, folder)
    os.makedirs(base, exist_ok=True)
    rng = np.random.default_rng(1)
    content = {}
    for name in train_names + test_names:
        data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
        labels = rng.integers(0, len(classes), 4).tolist()
        with open(os.path.join(base, name), "wb") as f:
            pickle.dump({"data": data, label_key: labels, "batch_label": name.encode()}, f)
        content[name] = (data, labels)
    with open(os.path.join(base, meta_name), "wb") as f:
        pickle.dump({key: classes}, f)
    return content


def _patch_md5(monkeypatch, cls, root):
    base = os.path.join(root, cls.base_folder)
    monkeypatch.setattr(cls, "train_list", [[n, md5(os.path.join(base, n))] for n, _ in cls.train_list])
    monkeypatch.setattr(cls, "test_list", [[n, md5(os.path.join(base, n))] for n, _ in cls.test_list])


def test_cifar10_and_cifar100(tmp_path, monkeypatch):
    names = [n for n, _ in datasets.CIFAR10.train_list]
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    content = _write_cifar(str(tmp_path), "cifar-10-batches-py", names, ["test_batch"], "batches.meta",
                           "label_names", "labels", classes)
    _patch_md5(monkeypatch, datasets.CIFAR10, str(tmp_path))
    monkeypatch.setitem(datasets.CIFAR10.meta, "md5", md5(tmp_path / "cifar-10-batches-py" / "batches.meta"))
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 20 and ds.data.shape == (20, 32, 32, 3) and ds.classes == classes
    data, labels = content["data_batch_2"]
    img, target = ds[5]
    np.testing.assert_array_equal(np.asarray(img), data[1].reshape(3, 32, 32).transpose(1, 2, 0))
    assert img.mode == "RGB" and target == labels[1]
    assert ds.class_to_idx["cat"] == 3
    test = datasets.CIFAR10(str(tmp_path), train=False)
    assert len(test) == 4 and test.targets == content["test_batch"][1]

    fine = [f"class{i}" for i in range(100)]
    c100 = _write_cifar(str(tmp_path), "cifar-100-python", ["train"], ["test"], "meta", "fine_label_names",
                        "fine_labels", fine)
    _patch_md5(monkeypatch, datasets.CIFAR100, str(tmp_path))
    monkeypatch.setitem(datasets.CIFAR100.meta, "md5", md5(tmp_path / "cifar-100-python" / "meta"))
    ds100 = datasets.CIFAR100(str(tmp_path), train=False)
    assert ds100.targets == c100["test"][1] and ds100.classes == fine


def test_cifar10_download_archive_and_corruption(tmp_path, monkeypatch):
    src = tmp_path / "src"
    names = [n for n, _ in datasets.CIFAR10.train_list]
    _write_cifar(str(src), "cifar-10-batches-py", names, ["test_batch"], "batches.meta", "label_names", "labels",
                 [str(i) for i in range(10)])
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    _patch_md5(monkeypatch, datasets.CIFAR10, str(src))
    monkeypatch.setitem(datasets.CIFAR10.meta, "md5", md5(src / "cifar-10-batches-py" / "batches.meta"))
    monkeypatch.setattr(datasets.CIFAR10, "url", archive.as_uri())
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", "0" * 32)
    with pytest.raises(RuntimeError, match="corrupted"):
        datasets.CIFAR10(str(tmp_path / "root"), download=True)
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", md5(archive))
    ds = datasets.CIFAR10(str(tmp_path / "root2"), download=True)
    assert len(ds) == 20
    (tmp_path / "root2" / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"broken")
    with pytest.raises(RuntimeError, match="not found or corrupted"):
        datasets.CIFAR10(str(tmp_path / "root2"))


def test_stl10_binary(tmp_path, monkeypatch):
    base = tmp_path / "stl10_binary"
    base.mkdir()
    rng = np.random.default_rng(2)
    train = rng.integers(0, 256, (4, 3, 96, 96), dtype=np.uint8)
    test = rng.integers(0, 256, (2, 3, 96, 96), dtype=np.uint8)
    unlabeled = rng.integers(0, 256, (3, 3, 96, 96), dtype=np.uint8)
    # stored column-major per channel: write the transposed planes
    (base / "train_X.bin").write_bytes(train.transpose(0, 1, 3, 2).tobytes())
    (base / "train_y.bin").write_bytes(np.array([1, 10, 3, 4], np.uint8).tobytes())
    (base / "test_X.bin").write_bytes(test.transpose(0, 1, 3, 2).tobytes())
    (base / "test_y.bin").write_bytes(np.array([2, 5], np.uint8).tobytes())
    (base / "unlabeled_X.bin").write_bytes(unlabeled.transpose(0, 1, 3, 2).tobytes())
    (base / "class_names.txt").write_text("\n".join(f"c{i}" for i in range(10)))
    (base / "fold_indices.txt").write_text("0 2\n1 3\n" + "0\n" * 8)
    _patch_md5(monkeypatch, datasets.STL10, str(tmp_path))
    ds = datasets.STL10(str(tmp_path), split="train")
    assert len(ds) == 4 and ds.classes[1] == "c1"
    img, target = ds[1]
    np.testing.assert_array_equal(np.asarray(img), train[1].transpose(1, 2, 0))
    assert target == 9
    assert [ds[i][1] for i in range(4)] == [0, 9, 2, 3]
    folded = datasets.STL10(str(tmp_path), split="train", folds=1)
    assert len(folded) == 2 and folded[0][1] == 9
    both = datasets.STL10(str(tmp_path), split="train+unlabeled")
    assert len(both) == 7 and both[6][1] == -1
    assert len(datasets.STL10(str(tmp_path), split="unlabeled")) == 3
    assert datasets.STL10(str(tmp_path), split="test")[1][1] == 4
    with pytest.raises(ValueError):
        datasets.STL10(str(tmp_path), folds=10)
    with pytest.raises(ValueError):
        datasets.STL10(str(tmp_path), split="val")


def test_svhn_mat(tmp_path, monkeypatch):
    import scipy.io
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (32, 32, 3, 5), dtype=np.uint8)
    y = np.array([[10], [1], [2], [10], [9]], np.uint8)
    scipy.io.savemat(tmp_path / "test_32x32.mat", {"X": x, "y": y})
    split_list = dict(datasets.SVHN.split_list)
    split_list["test"] = split_list["test"][:2] + [md5(tmp_path / "test_32x32.mat")]
    monkeypatch.setattr(datasets.SVHN, "split_list", split_list)
    ds = datasets.SVHN(str(tmp_path), split="test")
    assert len(ds) == 5 and ds.data.shape == (5, 3, 32, 32)
    img, target = ds[3]
    np.testing.assert_array_equal(np.asarray(img), x[..., 3])
    assert target == 0 and ds[4][1] == 9
    with pytest.raises(RuntimeError):
        datasets.SVHN(str(tmp_path), split="train")


def _write_images(root, layout):
    rng = np.random.default_rng(4)
    arrays = {}
    for rel in layout:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        arr = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
        Image.fromarray(arr).save(path)
        arrays[rel] = arr
    return arrays


def test_image_folder_and_dataset_folder(tmp_path):
    arrays = _write_images(str(tmp_path), ["dog/b.png", "dog/a.png", "cat/x.bmp", "cat/sub/y.png", "bird/z.png"])
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["bird", "cat", "dog"] and ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert [os.path.relpath(p, tmp_path) for p, _ in ds.samples] == \
        ["bird/z.png", "cat/x.bmp", "cat/sub/y.png", "dog/a.png", "dog/b.png"]
    assert ds.targets == [0, 1, 1, 2, 2] and ds.imgs is ds.samples
    img, target = ds[3]
    assert img.mode == "RGB" and target == 2
    np.testing.assert_array_equal(np.asarray(img), arrays["dog/a.png"])
    only_png = datasets.ImageFolder(str(tmp_path), is_valid_file=lambda p: p.endswith("a.png"), allow_empty=True)
    assert len(only_png) == 1
    with pytest.raises(FileNotFoundError, match="bird, cat"):
        datasets.ImageFolder(str(tmp_path), is_valid_file=lambda p: p.endswith("a.png"))
    texts = datasets.DatasetFolder(str(tmp_path), loader=lambda p: open(p).read(), extensions=(".txt",),
                                   allow_empty=True)
    assert len(texts) == 1 and texts[0] == ("not an image", 1)
    with pytest.raises(ValueError):
        datasets.DatasetFolder(str(tmp_path), loader=open, extensions=".png", is_valid_file=lambda p: True)
    with pytest.raises(FileNotFoundError):
        datasets.ImageFolder(str(tmp_path / "dog"))


def test_imagenet_from_devkit_and_archives(tmp_path, monkeypatch):
    import scipy.io
    from ember.vision.datasets import imagenet
    wnids = ["n01", "n02", "n03"]
    names = ["tench, Tinca tinca", "goldfish", "great white shark, white shark"]
    fields = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height",
              "num_train_images"]
    synsets = np.zeros(4, dtype=[(f, "O") for f in fields])
    for i, (wnid, words) in enumerate(zip(wnids, names)):
        synsets[i] = (i + 1, wnid, words, "gloss", 0, np.zeros(0), 0, 2)
    synsets[3] = (4, "n99", "fish", "a group", 3, np.array([1, 2, 3]), 1, 0)  # not a leaf: skipped
    devkit = tmp_path / "dk" / "ILSVRC2012_devkit_t12" / "data"
    devkit.mkdir(parents=True)
    scipy.io.savemat(devkit / "meta.mat", {"synsets": synsets})
    (devkit / "ILSVRC2012_validation_ground_truth.txt").write_text("2\n1\n2\n")
    root = tmp_path / "imagenet"
    root.mkdir()
    with tarfile.open(root / "ILSVRC2012_devkit_t12.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "dk" / "ILSVRC2012_devkit_t12", arcname="ILSVRC2012_devkit_t12")
    val_src = tmp_path / "valsrc"
    _write_images(str(val_src), [f"ILSVRC2012_val_0000000{i}.JPEG" for i in (1, 2, 3)])
    with tarfile.open(root / "ILSVRC2012_img_val.tar", "w") as tar:
        for f in sorted(os.listdir(val_src)):
            tar.add(val_src / f, arcname=f)
    meta = {k: (v[0], md5(root / v[0])) for k, v in imagenet.ARCHIVE_META.items() if (root / v[0]).exists()}
    for k, v in meta.items():
        monkeypatch.setitem(imagenet.ARCHIVE_META, k, v)
    ds = datasets.ImageNet(str(root), split="val")
    assert (root / "meta.bin").is_file()
    wnid_to_classes, val_wnids = ember.load(str(root / "meta.bin"))
    assert val_wnids == ["n02", "n01", "n02"] and wnid_to_classes["n01"] == ("tench", "Tinca tinca")
    # meta.bin is in torch's serialization format
    assert torch.load(str(root / "meta.bin"), weights_only=True)[1] == val_wnids
    assert ds.wnids == ["n01", "n02"] and ds.classes == [("tench", "Tinca tinca"), ("goldfish",)]
    assert ds.class_to_idx["Tinca tinca"] == 0 and ds.wnid_to_idx["n02"] == 1
    assert [t for _, t in ds.samples] == [0, 1, 1] and ds[0][0].mode == "RGB"
    assert "Split: val" in repr(ds)
    with pytest.raises(RuntimeError, match="download it externally"):
        datasets.ImageNet(str(root), split="train")


def test_coco_detection_and_captions(tmp_path):
    pytest.importorskip("pycocotools")
    arrays = _write_images(str(tmp_path / "images"), ["b.jpg", "a.png"])
    ann = {
        "images": [{"id": 7, "file_name": "b.jpg", "height": 6, "width": 5},
                   {"id": 3, "file_name": "a.png", "height": 6, "width": 5}],
        "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [0, 0, 2, 3], "area": 6, "iscrowd": 0,
                         "caption": "a dog"},
                        {"id": 2, "image_id": 7, "category_id": 2, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0,
                         "caption": "two dogs"},
                        {"id": 3, "image_id": 3, "category_id": 1, "bbox": [2, 2, 1, 1], "area": 1, "iscrowd": 0,
                         "caption": "a cat"}],
        "categories": [{"id": 1, "name": "dog"}, {"id": 2, "name": "cat"}],
    }
    ann_file = tmp_path / "ann.json"
    ann_file.write_text(json.dumps(ann))
    det = datasets.CocoDetection(str(tmp_path / "images"), str(ann_file))
    assert det.ids == [3, 7] and len(det) == 2
    img, target = det[0]
    np.testing.assert_array_equal(np.asarray(img), arrays["a.png"])
    assert [a["id"] for a in target] == [3]
    img, target = det[1]
    assert img.mode == "RGB" and img.size == (5, 6) and [a["bbox"] for a in target] == [[0, 0, 2, 3], [1, 1, 2, 2]]
    caps = datasets.CocoCaptions(str(tmp_path / "images"), str(ann_file), transforms=lambda i, t: (i.size, t))
    assert caps[1] == ((5, 6), ["a dog", "two dogs"])
    with pytest.raises(ValueError):
        det[np.int64(0)]
    with pytest.raises(ValueError):
        datasets.CocoDetection(str(tmp_path), str(ann_file), transform=lambda x: x, transforms=lambda x, y: (x, y))


def test_lsun_lmdb(tmp_path, monkeypatch):
    lmdb = pytest.importorskip("lmdb")
    monkeypatch.chdir(tmp_path)  # LSUNClass caches its keys in the working directory, as torchvision
    arrays = {}
    for cat in ("bedroom_val", "tower_val"):
        env = lmdb.open(str(tmp_path / f"{cat}_lmdb"), map_size=1 << 20)
        with env.begin(write=True) as txn:
            for k in range(2 if cat == "bedroom_val" else 3):
                arr = np.full((4, 5, 3), 40 * k + (0 if cat == "bedroom_val" else 7), np.uint8)
                buf = _io.BytesIO()
                Image.fromarray(arr).save(buf, format="PNG")
                txn.put(f"{cat}-{k}".encode(), buf.getvalue())
                arrays[(cat, k)] = arr
        env.close()
    ds = datasets.LSUN(str(tmp_path), classes=["bedroom_val", "tower_val"])
    assert len(ds) == 5
    img, target = ds[3]
    assert target == 1 and img.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(img), arrays[("tower_val", 1)])
    assert ds[1][1] == 0 and "Classes: ['bedroom_val', 'tower_val']" in repr(ds)
    assert any(name.startswith("_cache_") for name in os.listdir(tmp_path))
    with pytest.raises(ValueError, match="LSUN class"):
        datasets.LSUN(str(tmp_path), classes=["garden_val"])
    with pytest.raises(ValueError, match="postfix"):
        datasets.LSUN(str(tmp_path), classes=["tower_x"])


def test_fakedata_matches_torch_draws():
    from ember.vision.transforms import functional as F
    ds = datasets.FakeData(size=3, image_size=(3, 5, 4), num_classes=7, random_offset=11)
    ember.manual_seed(123)
    before = ember.rand(1).item()
    ember.manual_seed(123)
    for index in range(3):
        img, target = ds[index]
        torch.manual_seed(index + 11)
        expected = torch.randn(3, 5, 4)
        expected_target = int(torch.randint(0, 7, size=(1,), dtype=torch.long)[0])
        assert np.array_equal(np.asarray(img), np.asarray(F.to_pil_image(ember.tensor(expected.numpy()))))
        assert target == expected_target
    assert ember.rand(1).item() == before  # the global generator state is restored
    with pytest.raises(IndexError):
        ds[3]
    assert len(ds) == 3 and "Number of datapoints: 3" in repr(ds)


def test_download_utils(tmp_path, capsys):
    payload = b"ember" * 1000
    src = tmp_path / "payload.bin"
    src.write_bytes(payload)
    digest = hashlib.md5(payload).hexdigest()
    dutils.download_url(src.as_uri(), str(tmp_path / "dl"), md5=digest)
    assert (tmp_path / "dl" / "payload.bin").read_bytes() == payload
    assert dutils.check_integrity(str(tmp_path / "dl" / "payload.bin"), digest)
    assert not dutils.check_integrity(str(tmp_path / "dl" / "payload.bin"), "0" * 32)
    assert not dutils.check_integrity(str(tmp_path / "nothing"))
    with pytest.raises(RuntimeError, match="corrupted"):
        dutils.download_url(src.as_uri(), str(tmp_path / "dl2"), md5="0" * 32)
    from urllib.error import URLError
    with pytest.raises(URLError, match="Place the file at"):
        dutils.download_url("file:///nonexistent/file.bin", str(tmp_path / "dl3"), md5=digest)
    for suffix, opener in ((".gz", gzip.open), (".xz", __import__("lzma").open), (".bz2", __import__("bz2").open)):
        comp = tmp_path / f"payload.bin{suffix}"
        with opener(comp, "wb") as f:
            f.write(payload)
        (tmp_path / f"x{suffix}").mkdir()
        out = dutils.extract_archive(str(comp), str(tmp_path / f"x{suffix}"))
        assert open(out, "rb").read() == payload
    import zipfile
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr("inner/file.txt", "zipped")
    dutils.download_and_extract_archive((tmp_path / "a.zip").as_uri(), str(tmp_path / "z"), md5=md5(tmp_path / "a.zip"))
    assert (tmp_path / "z" / "inner" / "file.txt").read_text() == "zipped"
    with pytest.raises(RuntimeError, match="Unknown compression"):
        dutils.extract_archive(str(tmp_path / "a.rar"))
    assert sorted(dutils.list_dir(str(tmp_path / "z"))) == ["inner"]
    assert dutils.list_files(str(tmp_path), ".zip") == ["a.zip"]
    assert dutils.verify_str_arg("a", "x", ("a", "b")) == "a"
    with pytest.raises(ValueError, match="Unknown value 'c' for argument x. Valid values are {'a', 'b'}."):
        dutils.verify_str_arg("c", "x", ("a", "b"))
    assert capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------
# image files and utils

def test_read_decode_write_png_jpeg(tmp_path):
    rng = np.random.default_rng(5)
    arr = rng.integers(0, 256, (3, 6, 7), dtype=np.uint8)
    vio.write_png(ember.tensor(arr), str(tmp_path / "a.png"))
    back = vio.read_image(str(tmp_path / "a.png"))
    assert back.dtype == ember.uint8
    np.testing.assert_array_equal(back.numpy(), arr)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "a.png")), arr.transpose(1, 2, 0))
    gray = vio.read_image(str(tmp_path / "a.png"), vio.ImageReadMode.GRAY)
    assert tuple(gray.shape) == (1, 6, 7)
    np.testing.assert_array_equal(gray.numpy()[0], np.asarray(Image.open(tmp_path / "a.png").convert("L")))
    rgba = vio.decode_image(vio.read_file(str(tmp_path / "a.png")), "RGBA")
    assert tuple(rgba.shape) == (4, 6, 7) and (rgba.numpy()[3] == 255).all()
    data = vio.encode_png(ember.tensor(arr[:1]), compression_level=9)
    assert data.dtype == ember.uint8 and data.dim() == 1
    np.testing.assert_array_equal(vio.decode_png(data).numpy(), arr[:1])
    jpg = vio.encode_jpeg(ember.tensor(arr), quality=95)
    dec = vio.decode_jpeg(jpg)
    ref = np.asarray(Image.open(_io.BytesIO(jpg.numpy().tobytes()))).transpose(2, 0, 1)
    np.testing.assert_array_equal(dec.numpy(), ref)
    vio.write_jpeg(ember.tensor(arr), str(tmp_path / "b.jpg"))
    assert tuple(vio.read_image(str(tmp_path / "b.jpg")).shape) == (3, 6, 7)
    assert isinstance(vio.decode_jpeg([jpg, jpg]), list)
    vio.write_file(str(tmp_path / "raw.bin"), ember.tensor(np.frombuffer(b"xyz", np.uint8).copy()))
    assert vio.read_file(str(tmp_path / "raw.bin")).tolist() == [120, 121, 122]
    Image.fromarray(arr[0]).convert("P").save(tmp_path / "p.png")
    assert tuple(vio.read_image(str(tmp_path / "p.png")).shape) == (3, 6, 7)
    with pytest.raises(RuntimeError, match="No such file"):
        vio.read_file(str(tmp_path / "missing.png"))
    with pytest.raises(RuntimeError, match="Unsupported image file"):
        vio.decode_image(ember.tensor(np.frombuffer(b"not an image", np.uint8).copy()))
    with pytest.raises(ValueError):
        vio.encode_jpeg(ember.tensor(arr), quality=0)
    with pytest.raises(RuntimeError):
        vio.encode_png(ember.tensor(arr.astype(np.float32)).float())
    Image.fromarray((arr[0].astype(np.uint16) * 200)).save(tmp_path / "deep.png")
    with pytest.raises(NotImplementedError, match="uint16"):
        vio.read_image(str(tmp_path / "deep.png"))


def _t_make_grid(t, nrow, padding, pad_value):
    """torchvision's make_grid layout, in torch."""
    if t.size(1) == 1:
        t = torch.cat((t, t, t), 1)
    nmaps = t.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = -(-nmaps // xmaps)
    h, w = t.size(2) + padding, t.size(3) + padding
    grid = t.new_full((t.size(1), h * ymaps + padding, w * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * h + padding:(y + 1) * h, x * w + padding:(x + 1) * w] = t[k]
    return grid


def test_make_grid_and_save_image(tmp_path):
    rng = np.random.default_rng(6)
    x = rng.random((5, 3, 4, 6)).astype(np.float32)
    for nrow, padding, pad_value in ((2, 1, 0.5), (8, 2, 0.0), (3, 0, 1.0)):
        out = vutils.make_grid(ember.tensor(x), nrow=nrow, padding=padding, pad_value=pad_value)
        np.testing.assert_array_equal(out.numpy(), _t_make_grid(torch.tensor(x), nrow, padding, pad_value).numpy())
    gray = vutils.make_grid([ember.tensor(x[0, :1]), ember.tensor(x[1, :1])], nrow=1)
    assert tuple(gray.shape) == (3, 14, 10)
    single = vutils.make_grid(ember.tensor(x[0]))
    np.testing.assert_array_equal(single.numpy(), x[0])
    norm = vutils.make_grid(ember.tensor(x * 4 - 1), normalize=True, scale_each=True)
    assert float(norm.min()) >= 0 and float(norm.max()) <= 1
    clipped = vutils.make_grid(ember.tensor(x), normalize=True, value_range=(0.25, 0.75))
    ref = np.clip((x - 0.25) / 0.5, 0, 1)
    np.testing.assert_allclose(clipped.numpy()[:, 2:6, 2:8], ref[0], rtol=1e-6)
    with pytest.raises(TypeError):
        vutils.make_grid(x)
    with pytest.raises(TypeError):
        vutils.make_grid(ember.tensor(x), normalize=True, value_range=[0, 1])
    vutils.save_image(ember.tensor(x), str(tmp_path / "grid.png"), nrow=5, padding=0)
    saved = np.asarray(Image.open(tmp_path / "grid.png"))
    expected = np.clip(np.floor(x * 255 + 0.5), 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(saved, np.concatenate(list(expected), axis=1))
    buf = _io.BytesIO()
    vutils.save_image(ember.tensor(x[0]), buf, format="PNG")
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_draw_bounding_boxes_and_masks():
    img = ember.zeros(3, 20, 30, dtype=ember.uint8)
    boxes = ember.tensor([[2, 3, 10, 12], [15, 5, 28, 18]])
    out = vutils.draw_bounding_boxes(img, boxes, colors=["red", (0, 255, 0)], width=1)
    a = out.numpy()
    assert out.dtype == ember.uint8 and tuple(out.shape) == (3, 20, 30)
    assert tuple(a[:, 3, 5]) == (255, 0, 0) and tuple(a[:, 12, 2]) == (255, 0, 0)
    assert tuple(a[:, 5, 20]) == (0, 255, 0) and tuple(a[:, 7, 6]) == (0, 0, 0)
    filled = vutils.draw_bounding_boxes(img, boxes[:1], fill=True, colors="blue", labels=["cat"])
    assert filled.numpy()[2, 8, 6] > 0
    default = vutils.draw_bounding_boxes(ember.zeros(1, 10, 10), ember.tensor([[1, 1, 5, 5]]))
    assert default.dtype == ember.float32 and tuple(default.shape) == (3, 10, 10)
    palette = vutils.draw_bounding_boxes(img, ember.tensor([[1, 1, 5, 5], [6, 6, 9, 9]])).numpy()
    assert tuple(palette[:, 6, 7]) == ((2 ** 25 - 1) % 255, (2 ** 15 - 1) % 255, (2 ** 21 - 1) % 255)
    with pytest.raises(ValueError, match="xmin"):
        vutils.draw_bounding_boxes(img, ember.tensor([[5, 5, 1, 1]]))
    with pytest.raises(ValueError):
        vutils.draw_bounding_boxes(img, boxes, labels=["a"])
    with pytest.warns(UserWarning):
        vutils.draw_bounding_boxes(img, ember.zeros(0, 4))
    masks = ember.zeros(2, 20, 30, dtype=ember.bool)
    masks[0, :5, :5] = True
    masks[1, 3:8, 3:8] = True
    drawn = vutils.draw_segmentation_masks(ember.full((3, 20, 30), 100, dtype=ember.uint8), masks, alpha=0.5,
                                           colors=["red", "blue"]).numpy()
    assert tuple(drawn[:, 0, 0]) == (177, 50, 50) and tuple(drawn[:, 4, 4]) == (50, 50, 50)
    assert tuple(drawn[:, 7, 7]) == (50, 50, 177) and tuple(drawn[:, 10, 10]) == (100, 100, 100)
