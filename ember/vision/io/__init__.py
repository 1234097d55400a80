"""``torchvision.io``: image file reading, decoding and encoding (through Pillow)."""
from .image import (decode_gif, decode_image, decode_jpeg, decode_png, decode_webp, encode_jpeg, encode_png,  # noqa: F401
                    ImageReadMode, read_file, read_image, write_file, write_jpeg, write_png)

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "decode_webp", "decode_gif", "encode_jpeg",
           "encode_png", "read_file", "read_image", "write_file", "write_jpeg", "write_png"]
