"""Array conversions and image layout helpers shared by the summaries (torch's ``_convert_np``/``_utils``)."""
import numpy as np

from ..._dtype import bfloat16, float16
from ..._tensor import Tensor

__all__ = ["make_np", "as_array", "make_grid", "convert_to_HWC", "prepare_video", "figure_to_image"]


def make_np(x):
    """A NumPy array from a tensor, array or Python/NumPy scalar (a scalar becomes shape ``(1,)``), as torch."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        if x.dtype == bfloat16:
            x = x.to(float16)
        return x.detach().cpu().numpy()
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def as_array(x):
    """Like ``make_np`` but also accepting nested sequences (``torch.as_tensor``'s inputs)."""
    return make_np(x) if isinstance(x, (np.ndarray, Tensor)) else np.asarray(x)


def make_grid(images, ncols=8):
    """Tile ``N x {1,3} x H x W`` images into one ``3 x (H*rows) x (W*cols)`` canvas, row-major, zero-filled."""
    if not isinstance(images, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, c, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    cells = np.zeros((nrows * ncols, c, h, w), dtype=images.dtype)
    cells[:n] = images
    return cells.reshape(nrows, ncols, c, h, w).transpose(2, 0, 3, 1, 4).reshape(c, nrows * h, ncols * w)


def convert_to_HWC(tensor, input_format):
    """Reorder an image array described by ``input_format`` (e.g. ``"CHW"``, ``"NHWC"``, ``"HW"``) to HWC.

    Batches are tiled with ``make_grid``; one-channel and 2-D images are repeated to three channels.
    """
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shorthand twice. input_format: {input_format}")
    if len(tensor.shape) != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different. "
                             f"tensor shape: {tensor.shape}, input_format: {input_format}")
    input_format = input_format.upper()
    if len(input_format) == 4:
        nchw = tensor.transpose([input_format.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        if hwc.shape[2] == 1:
            hwc = np.concatenate([hwc, hwc, hwc], 2)
        return hwc
    hw = tensor.transpose([input_format.find(c) for c in "HW"])
    return np.stack([hw, hw, hw], 2)


def prepare_video(v):
    """``B x T x C x H x W`` -> ``T x H' x W' x C``: the batch is padded to a power of two and tiled per frame."""
    b, t, c, h, w = v.shape
    if v.dtype == np.uint8:
        v = np.float32(v) / 255.0
    if b & (b - 1):
        v = np.concatenate((v, np.zeros((2 ** b.bit_length() - b, t, c, h, w))), axis=0)
    n_rows = 2 ** ((b.bit_length() - 1) // 2)
    n_cols = v.shape[0] // n_rows
    v = v.reshape(n_rows, n_cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return v.reshape(t, n_rows * h, n_cols * w, c)


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (or a list of them) to a ``CHW`` (or ``NCHW``) uint8 array."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError as e:
        raise ImportError("add_figure needs matplotlib: pip install matplotlib") from e

    def render(figure):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = figure.canvas.get_width_height()
        chw = np.moveaxis(data.reshape(h, w, 4)[:, :, :3], 2, 0)
        if close:
            plt.close(figure)
        return chw

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)
