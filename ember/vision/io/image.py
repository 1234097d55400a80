"""Image file I/O (``torchvision.io.image``) through Pillow.

Decoded images are uint8 tensors (C, H, W); file contents travel as 1-D uint8 tensors.  JPEG and PNG go
through the same libjpeg(-turbo)/zlib codecs torchvision links, so decoded pixels agree; encoded bytes may differ
(encoder settings/metadata) while decoding to the same image.  16-bit PNGs need a uint16 dtype, which ember
lacks: they raise NotImplementedError.
"""
import io as _io
import os
from enum import Enum

import numpy as np

from ... import Tensor, from_numpy, uint8
from .. import _pillow

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_png", "encode_png", "write_png", "decode_jpeg",
           "encode_jpeg", "write_jpeg", "decode_image", "read_image", "decode_gif", "decode_webp"]


class ImageReadMode(Enum):
    """Colour conversion while decoding: UNCHANGED, GRAY, GRAY_ALPHA, RGB, RGB_ALPHA (= RGBA)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def _mode(mode):
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    return mode


def read_file(path):
    """The bytes of a file as a 1-D uint8 tensor."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RuntimeError(f"[Errno {e.errno}] {e.strerror}: '{path}'") from None
    return from_numpy(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename, data):
    """Write the bytes of a 1-D uint8 tensor to ``filename``."""
    if data.dtype != uint8 or data.dim() != 1:
        raise RuntimeError("Input data should be a 1-dimensional uint8 tensor")
    with open(os.fspath(filename), "wb") as f:
        f.write(data.detach().cpu().numpy().tobytes())


def _bytes_of(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a uint8 tensor of encoded bytes, got {type(input).__name__}")
    if input.dtype != uint8:
        raise RuntimeError("Expected a torch.uint8 tensor")
    if input.dim() != 1 or input.numel() == 0:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    return input.detach().cpu().numpy().tobytes()


def _to_chw(img, mode, apply_exif_orientation):
    """A decoded PIL image -> (C, H, W) uint8 tensor in the requested mode."""
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    if mode == ImageReadMode.UNCHANGED:
        if img.mode == "P":
            img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        elif img.mode == "1":
            img = img.convert("L")
        elif img.mode == "CMYK":
            img = img.convert("RGB")
        elif img.mode == "PA":
            img = img.convert("RGBA")
    else:
        img = img.convert(_PIL_MODE[mode])
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        raise NotImplementedError("decoding 16-bit images needs a uint16 dtype, which ember does not have")
    arr = np.array(img, dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def _png_bit_depth(data):
    # IHDR is the first chunk: 8-byte signature, 4-byte length, 'IHDR', width, height, then the bit depth byte
    return data[24] if len(data) > 24 and data[:8] == b"\x89PNG\r\n\x1a\n" else 8


def _open(data):
    Image = _pillow.pil("decoding images")
    try:
        img = Image.open(_io.BytesIO(data))
        img.load()
    except Exception as e:
        raise RuntimeError("Unsupported image file. Only jpeg, png, webp and gif are currently supported. For "
                           f"avif and heic format, please rely on `decode_avif` and `decode_heic` directly. ({e})")
    return img


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG bytes (1-D uint8 tensor) to a (C, H, W) uint8 tensor."""
    data = _bytes_of(input, "decode_png")
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError("Content is not png")
    if _png_bit_depth(data) == 16:
        raise NotImplementedError("decoding 16-bit PNGs needs a uint16 dtype, which ember does not have")
    return _to_chw(_open(data), _mode(mode), apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """Decode JPEG bytes (or a list of them) to (C, H, W) uint8 tensors."""
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    data = _bytes_of(input, "decode_jpeg")
    if data[:3] != b"\xff\xd8\xff":
        raise RuntimeError("Not a JPEG file")
    return _to_chw(_open(data), _mode(mode), apply_exif_orientation).to(device)


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    """Decode WebP bytes to a (C, H, W) uint8 tensor (RGB or RGBA)."""
    return _to_chw(_open(_bytes_of(input, "decode_webp")), _mode(mode), False)


def decode_gif(input):
    """Decode GIF bytes: (C, H, W) for one frame, (N, C, H, W) for an animation; RGB."""
    from ... import stack
    img = _open(_bytes_of(input, "decode_gif"))
    frames = []
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        frames.append(_to_chw(img.convert("RGB"), ImageReadMode.UNCHANGED, False))
    return frames[0] if len(frames) == 1 else stack(frames)


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode JPEG, PNG, WebP or GIF bytes (a 1-D uint8 tensor, or a path) to a uint8 tensor."""
    if not isinstance(input, Tensor):
        input = read_file(str(input))
    data = _bytes_of(input, "decode_image")
    mode = _mode(mode)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return decode_png(input, mode, apply_exif_orientation)
    if data[:3] == b"\xff\xd8\xff":
        return decode_jpeg(input, mode, apply_exif_orientation=apply_exif_orientation)
    if data[:4] == b"GIF8":
        return decode_gif(input)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return decode_webp(input, mode)
    raise RuntimeError("Unsupported image file. Only jpeg, png, webp and gif are currently supported. For avif and "
                       "heic format, please rely on `decode_avif` and `decode_heic` directly.")


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read and decode a JPEG, PNG, WebP or GIF file into a uint8 tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def _pil_from_chw(input, allowed, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a tensor, got {type(input).__name__}")
    if input.dtype != uint8:
        raise RuntimeError(f"Input tensor dtype should be uint8, got {input.dtype}")
    if input.dim() != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, got {input.dim()} dims.")
    channels = input.shape[0]
    if channels not in allowed:
        raise RuntimeError(f"The number of channels should be {' or '.join(str(c) for c in allowed)}, "
                           f"got: {channels}")
    arr = np.ascontiguousarray(input.detach().cpu().numpy().transpose(1, 2, 0))
    mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels]
    return _pillow.image_fromarray(arr[:, :, 0] if channels == 1 else arr, mode)


def encode_png(input, compression_level=6):
    """PNG bytes (1-D uint8 tensor) of a (C, H, W) uint8 image with 1-4 channels; zlib level 0-9."""
    if compression_level < 0 or compression_level > 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    img = _pil_from_chw(input, (1, 2, 3, 4), "encode_png")
    buf = _io.BytesIO()
    img.save(buf, format="PNG", compress_level=compression_level)
    return from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def write_png(input, filename, compression_level=6):
    """Encode a (C, H, W) uint8 image as PNG and write it to ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    """JPEG bytes of a (C, H, W) uint8 image with 1 or 3 channels (or a list of them); quality 1-100."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is passed")
        return [encode_jpeg(image, quality) for image in input]
    img = _pil_from_chw(input, (1, 3), "encode_jpeg")
    buf = _io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def write_jpeg(input, filename, quality=75):
    """Encode a (C, H, W) uint8 image as JPEG and write it to ``filename``."""
    write_file(filename, encode_jpeg(input, quality))
