"""LSUN scenes (``torchvision.datasets.LSUN``) from the official LMDB databases (``pip install lmdb``)."""
import io
import os.path
import pickle
import string
from collections.abc import Iterable

from .. import _pillow
from .utils import iterable_to_str, verify_str_arg
from .vision import VisionDataset

__all__ = ["LSUN", "LSUNClass"]


class LSUNClass(VisionDataset):
    """The images of one LSUN LMDB (target None).  As torchvision, the key list is cached in the working
    directory in ``_cache_<letters of root>``."""

    def __init__(self, root, transform=None, target_transform=None):
        try:
            import lmdb
        except ImportError:
            raise ImportError("LSUN reads its LMDB databases with the lmdb package, which is not installed: "
                              "pip install lmdb") from None
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.env = lmdb.open(root, max_readers=1, readonly=True, lock=False, readahead=False, meminit=False)
        with self.env.begin(write=False) as txn:
            self.length = txn.stat()["entries"]
        cache_file = "_cache_" + "".join(c for c in root if c in string.ascii_letters)
        if os.path.isfile(cache_file):
            with open(cache_file, "rb") as f:
                self.keys = pickle.load(f)
        else:
            with self.env.begin(write=False) as txn:
                self.keys = [key for key in txn.cursor().iternext(keys=True, values=False)]
            with open(cache_file, "wb") as f:
                pickle.dump(self.keys, f)

    def __getitem__(self, index):
        img, target = None, None
        with self.env.begin(write=False) as txn:
            imgbuf = txn.get(self.keys[index])
        img = _pillow.pil("LSUN").open(io.BytesIO(imgbuf)).convert("RGB")
        return self._apply_transforms(img, target)

    def __len__(self):
        return self.length


class LSUN(VisionDataset):
    """LSUN: ``classes`` 'train', 'val', 'test' or a list like ['bedroom_train', 'church_outdoor_val']; the
    target is the index of the sample's database in that list."""

    def __init__(self, root, classes="train", transform=None, target_transform=None):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.classes = self._verify_classes(classes)
        self.dbs = []
        for c in self.classes:
            self.dbs.append(LSUNClass(root=os.path.join(root, f"{c}_lmdb"), transform=transform))
        self.indices = []
        count = 0
        for db in self.dbs:
            count += len(db)
            self.indices.append(count)
        self.length = count

    def _verify_classes(self, classes):
        categories = ["bedroom", "bridge", "church_outdoor", "classroom", "conference_room", "dining_room",
                      "kitchen", "living_room", "restaurant", "tower"]
        dset_opts = ["train", "val", "test"]
        try:
            verify_str_arg(classes, "classes", dset_opts)
            if classes == "test":
                classes = [classes]
            else:
                classes = [c + "_" + classes for c in categories]
        except ValueError:
            if not isinstance(classes, Iterable):
                raise ValueError(f"Expected type str or Iterable for argument classes, but got type {type(classes)}.")
            classes = list(classes)
            msg_fmtstr_type = "Expected type str for elements in argument classes, but got type {}."
            for c in classes:
                verify_str_arg(c, custom_msg=msg_fmtstr_type.format(type(c)))
                c_short = c.split("_")
                category, dset_opt = "_".join(c_short[:-1]), c_short[-1]
                msg_fmtstr = "Unknown value '{}' for {}. Valid values are {{{}}}."
                msg = msg_fmtstr.format(category, "LSUN class", iterable_to_str(categories))
                verify_str_arg(category, valid_values=categories, custom_msg=msg)
                msg = msg_fmtstr.format(dset_opt, "postfix", iterable_to_str(dset_opts))
                verify_str_arg(dset_opt, valid_values=dset_opts, custom_msg=msg)
        return classes

    def __getitem__(self, index):
        target = 0
        sub = 0
        for ind in self.indices:
            if index < ind:
                break
            target += 1
            sub = ind
        db = self.dbs[target]
        index = index - sub
        if self.target_transform is not None:
            target = self.target_transform(target)
        img, _ = db[index]
        return img, target

    def __len__(self):
        return self.length

    def extra_repr(self):
        return "Classes: {classes}".format(**self.__dict__)
