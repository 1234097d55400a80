"""Files of the embedding projector: ``tensors.tsv``, ``metadata.tsv``, ``sprite.png``, ``projector_config.pbtxt``."""
import io
import math
import os

import numpy as np

from ._proto import EmbeddingInfo
from ._utils import make_grid, make_np

__all__ = ["make_tsv", "make_sprite", "make_mat", "get_embedding_info", "write_pbtxt"]


def make_tsv(metadata, save_path, metadata_header=None):
    """``metadata.tsv``: one label per line, or a header line and tab-separated columns."""
    if not metadata_header:
        lines = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        lines = ["\t".join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
    with open(os.path.join(save_path, "metadata.tsv"), "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))


def make_sprite(label_img, save_path):
    """``sprite.png``: the ``N x C x H x W`` images in [0, 1] tiled on a square canvas of ceil(sqrt(N)) columns."""
    from PIL import Image

    images = make_np(label_img)
    ncols = math.ceil(images.shape[0] ** 0.5)
    grid = make_grid(images, ncols=ncols).transpose(1, 2, 0)
    square = np.zeros((grid.shape[1], grid.shape[1], 3))
    square[:grid.shape[0]] = grid
    with io.BytesIO() as buf:
        Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(buf, format="PNG")
        data = buf.getvalue()
    with open(os.path.join(save_path, "sprite.png"), "wb") as f:
        f.write(data)


def make_mat(mat, save_path):
    """``tensors.tsv``: one row of the matrix per line, values as Python ``str`` of each element."""
    with open(os.path.join(save_path, "tensors.tsv"), "wb") as f:
        f.write("".join("\t".join(map(str, row)) + "\n" for row in mat.tolist()).encode("utf-8"))


def get_embedding_info(metadata, label_img, subdir, global_step, tag):
    info = EmbeddingInfo()
    info.tensor_name = f"{tag}:{str(global_step).zfill(5)}"
    info.tensor_path = os.path.join(subdir, "tensors.tsv")
    if metadata is not None:
        info.metadata_path = os.path.join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = os.path.join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info


def write_pbtxt(save_path, contents):
    with open(os.path.join(save_path, "projector_config.pbtxt"), "wb") as f:
        f.write(contents.encode("utf-8"))
