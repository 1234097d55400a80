"""ImageNet 2012 classification (``torchvision.datasets.ImageNet``).

Needs the official archives in ``root`` (they cannot be downloaded without an account): the devkit
``ILSVRC2012_devkit_t12.tar.gz`` (its ``data/meta.mat`` synsets and validation ground truth are parsed into
``root/meta.bin``) and ``ILSVRC2012_img_train.tar`` / ``ILSVRC2012_img_val.tar``, unpacked on first use into
``root/train/<wnid>/`` and ``root/val/<wnid>/``.  ``meta.bin`` is written with ember.save in torch's format.
"""
import os
import shutil
import tempfile
from contextlib import contextmanager

from .folder import ImageFolder
from .utils import check_integrity, extract_archive, verify_str_arg

__all__ = ["ImageNet", "load_meta_file", "parse_devkit_archive", "parse_train_archive", "parse_val_archive"]

ARCHIVE_META = {
    "train": ("ILSVRC2012_img_train.tar", "1d675b47d978889d74fa0da5fadfb00e"),
    "val": ("ILSVRC2012_img_val.tar", "29b22e2961454d5413ddabcf34fc5622"),
    "devkit": ("ILSVRC2012_devkit_t12.tar.gz", "fa75699e90414af021442c21a62c3abf"),
}
META_FILE = "meta.bin"


class ImageNet(ImageFolder):
    """ImageNet ``split`` 'train' or 'val'.  ``classes`` are tuples of names per class, ``wnids`` the WordNet
    ids; ``class_to_idx`` maps every name to its index (``wnid_to_idx`` the ids)."""

    def __init__(self, root, split="train", **kwargs):
        root = self.root = os.path.expanduser(root)
        self.split = verify_str_arg(split, "split", ("train", "val"))
        self.parse_archives()
        wnid_to_classes = load_meta_file(self.root)[0]
        super().__init__(self.split_folder, **kwargs)
        self.root = root
        self.wnids = self.classes
        self.wnid_to_idx = self.class_to_idx
        self.classes = [wnid_to_classes[wnid] for wnid in self.wnids]
        self.class_to_idx = {cls: idx for idx, clss in enumerate(self.classes) for cls in clss}

    def parse_archives(self):
        if not check_integrity(os.path.join(self.root, META_FILE)):
            parse_devkit_archive(self.root)
        if not os.path.isdir(self.split_folder):
            if self.split == "train":
                parse_train_archive(self.root)
            elif self.split == "val":
                parse_val_archive(self.root)

    @property
    def split_folder(self):
        return os.path.join(self.root, self.split)

    def extra_repr(self):
        return "Split: {split}".format(**self.__dict__)


def load_meta_file(root, file=None):
    """(wnid -> class names, validation wnids) from ``root/meta.bin``."""
    from ...serialization import load
    if file is None:
        file = META_FILE
    file = os.path.join(root, file)
    if check_integrity(file):
        return load(file, weights_only=True)
    msg = ("The meta file {} is not present in the root directory or is corrupted. This file is automatically "
           "created by the ImageNet dataset.")
    raise RuntimeError(msg.format(file, root))


def _verify_archive(root, file, md5):
    if not check_integrity(os.path.join(root, file), md5):
        msg = ("The archive {} is not present in the root directory or is corrupted. You need to download it "
               "externally and place it in {}.")
        raise RuntimeError(msg.format(file, root))


def parse_devkit_archive(root, file=None):
    """Parse the devkit's ``meta.mat`` (leaf synsets: ILSVRC id, wnid, names) and validation ground truth into
    ``root/meta.bin``."""
    import scipy.io as sio
    from ...serialization import save

    def parse_meta_mat(devkit_root):
        metafile = os.path.join(devkit_root, "data", "meta.mat")
        meta = sio.loadmat(metafile, squeeze_me=True)["synsets"]
        nums_children = list(zip(*meta))[4]
        meta = [meta[idx] for idx, num_children in enumerate(nums_children) if num_children == 0]
        idcs, wnids, classes = list(zip(*meta))[:3]
        classes = [tuple(clss.split(", ")) for clss in classes]
        idx_to_wnid = {idx: wnid for idx, wnid in zip(idcs, wnids)}
        wnid_to_classes = {wnid: clss for wnid, clss in zip(wnids, classes)}
        return idx_to_wnid, wnid_to_classes

    def parse_val_groundtruth_txt(devkit_root):
        file = os.path.join(devkit_root, "data", "ILSVRC2012_validation_ground_truth.txt")
        with open(file) as txtfh:
            return [int(val_idx) for val_idx in txtfh.readlines()]

    @contextmanager
    def get_tmp_dir():
        tmp_dir = tempfile.mkdtemp()
        try:
            yield tmp_dir
        finally:
            shutil.rmtree(tmp_dir)

    archive_meta = ARCHIVE_META["devkit"]
    if file is None:
        file = archive_meta[0]
    _verify_archive(root, file, archive_meta[1])
    with get_tmp_dir() as tmp_dir:
        extract_archive(os.path.join(root, file), tmp_dir)
        devkit_root = os.path.join(tmp_dir, "ILSVRC2012_devkit_t12")
        idx_to_wnid, wnid_to_classes = parse_meta_mat(devkit_root)
        val_idcs = parse_val_groundtruth_txt(devkit_root)
        val_wnids = [idx_to_wnid[idx] for idx in val_idcs]
        save((wnid_to_classes, val_wnids), os.path.join(root, META_FILE))


def parse_train_archive(root, file=None, folder="train"):
    """Unpack the training archive (one tar per class) into ``root/train/<wnid>/``."""
    archive_meta = ARCHIVE_META["train"]
    if file is None:
        file = archive_meta[0]
    _verify_archive(root, file, archive_meta[1])
    train_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), train_root)
    archives = [os.path.join(train_root, archive) for archive in os.listdir(train_root)]
    for archive in archives:
        extract_archive(archive, os.path.splitext(archive)[0], remove_finished=True)


def parse_val_archive(root, file=None, wnids=None, folder="val"):
    """Unpack the validation archive into ``root/val/<wnid>/`` following the ground-truth wnids."""
    archive_meta = ARCHIVE_META["val"]
    if file is None:
        file = archive_meta[0]
    if wnids is None:
        wnids = load_meta_file(root)[1]
    _verify_archive(root, file, archive_meta[1])
    val_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), val_root)
    images = sorted(os.path.join(val_root, image) for image in os.listdir(val_root))
    for wnid in set(wnids):
        os.mkdir(os.path.join(val_root, wnid))
    for wnid, img_file in zip(wnids, images):
        shutil.move(img_file, os.path.join(val_root, wnid, os.path.basename(img_file)))
