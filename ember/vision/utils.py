"""Image utilities (``torchvision.utils``): grids of images, saving, drawing boxes and masks."""
import math
import warnings

import numpy as np

from . import _pillow
from .. import Tensor, bool as _bool, cat, int64, is_tensor, no_grad, stack, tensor, tile, uint8

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks"]


@no_grad()
def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a (B, C, H, W) batch (or a list of images) into one (C, H', W') image with ``nrow`` images per row,
    ``padding`` pixels of ``pad_value`` between them; ``normalize`` rescales to [0, 1] by ``value_range``
    (default: the min and max, per image with ``scale_each``).  Single-channel images become 3-channel."""
    if not is_tensor(tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not is_tensor(t):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if isinstance(tensor, list):
        tensor = stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = cat((tensor, tensor, tensor), 1)

    if normalize is True:
        tensor = tensor.clone()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm_ip(img, low, high):
            img.clamp_(min=low, max=high)
            img.sub_(low).div_(max(high - low, 1e-5))

        def norm_range(t, value_range):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each is True:
            for t in tensor:
                norm_range(t, value_range)
        else:
            norm_range(tensor, value_range)

    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    num_channels = tensor.size(1)
    grid = tensor.new_full((num_channels, height * ymaps + padding, width * xmaps + padding), pad_value)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            grid.narrow(1, y * height + padding, height - padding).narrow(
                2, x * width + padding, width - padding).copy_(tensor[k])
            k += 1
    return grid


@no_grad()
def save_image(tensor, fp, format=None, **kwargs):
    """Save an image (or a batch, as a ``make_grid`` grid; ``kwargs`` go to it) with Pillow; floats in [0, 1]
    are scaled to 0-255 with rounding."""
    Image = _pillow.pil("save_image")
    grid = make_grid(tensor, **kwargs)
    ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", uint8).numpy()
    Image.fromarray(ndarr).save(fp, format=format)


def _generate_color_palette(num_objects):
    palette = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1], dtype=np.int64)
    return [tuple(int(v) for v in (i * palette) % 255) for i in range(num_objects)]


def _parse_colors(colors, *, num_objects, dtype=uint8):
    """One RGB tuple per object from None (a fixed palette), one colour, or a list of colours
    (names like "red"/"#FF00FF" or RGB tuples); scaled to [0, 1] for float dtypes."""
    from PIL import ImageColor
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(color) if isinstance(color, str) else color for color in colors]
    if dtype.is_floating_point:
        colors = [tuple(v / 255 for v in color) for color in colors]
    return colors


@no_grad()
def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None, font_size=None,
                        label_colors=None, label_background_colors=None, fill_labels=False):
    """Draw (N, 4) ``(xmin, ymin, xmax, ymax)`` boxes (or (N, 8) corner lists) on a (C, H, W) uint8 or float
    image with Pillow's ImageDraw; returns a uint8 (or the input float dtype) image."""
    from PIL import ImageDraw, ImageFont
    from .transforms import functional as F
    if not isinstance(image, Tensor):
        raise TypeError(f"Tensor expected, got {type(image)}")
    elif not (image.dtype == uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    elif image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    elif image.size(0) not in {1, 3}:
        raise ValueError("Only grayscale and RGB images are supported")
    elif boxes.shape[-1] == 4 and ((boxes[:, 0] > boxes[:, 2]).any() or (boxes[:, 1] > boxes[:, 3]).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to "
                         "convert them")
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. Please specify labels "
                         f"for each box.")
    colors = _parse_colors(colors, num_objects=num_boxes)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=num_boxes)
    else:
        label_colors = colors.copy()
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=num_boxes)
    else:
        label_background_colors = colors.copy()
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)

    if image.size(0) == 1:
        image = tile(image, (3, 1, 1))
    original_dtype = image.dtype
    if original_dtype.is_floating_point:
        image = F.convert_image_dtype(image, uint8)
    img_to_draw = F.to_pil_image(image)
    img_boxes = boxes.to(int64).tolist()
    draw = ImageDraw.Draw(img_to_draw, "RGBA") if fill else ImageDraw.Draw(img_to_draw)
    for bbox, color, label, label_color, label_bg_color in zip(img_boxes, colors, labels, label_colors,
                                                               label_background_colors):
        fill_color = color + (100,) if fill else None
        if len(bbox) > 4:
            _oriented_rectangle(draw, bbox, width=width, outline=color, fill=fill_color)
        else:
            draw.rectangle(bbox, width=width, outline=color, fill=fill_color)
        if label is not None:
            box_margin = 1
            margin = width + box_margin
            if fill_labels:
                left, top, right, bottom = draw.textbbox((bbox[0] + margin, bbox[1] + margin), label, font=txt_font)
                draw.rectangle((left - box_margin, top - box_margin, right + box_margin, bottom + box_margin),
                               fill=label_bg_color)
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color, font=txt_font)
    out = F.pil_to_tensor(img_to_draw)
    if original_dtype.is_floating_point:
        out = out.to(original_dtype).mul_(1.0 / 255)
    return out


def _oriented_rectangle(draw, xy, fill=None, outline=None, width=1):
    """A rotated box from its 4 corners: the first edge dashed (it marks the box's orientation), the others solid."""
    _dashed_line(draw, ((xy[0], xy[1]), (xy[2], xy[3])), width=width, fill=outline)
    for i in range(2, len(xy), 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % len(xy)], xy[(i + 3) % len(xy)])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def _dashed_line(draw, xy, fill=None, width=0, dash_length=5, space_length=5):
    """Alternate dashes and gaps along the polyline ``xy``, stepping along each segment's angle."""
    dash = True
    for (x1, y1), (x2, y2) in zip(xy[:-1], xy[1:]):
        remaining = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        while remaining > 0:
            step = min(remaining, dash_length if dash else space_length)
            angle = math.atan2(y2 - y1, x2 - x1)
            end_x = x1 + math.cos(angle) * step
            end_y = y1 + math.sin(angle) * step
            if dash:
                draw.line([(x1, y1), (end_x, end_y)], fill, width)
            remaining -= step
            x1, y1 = end_x, end_y
            dash = not dash


@no_grad()
def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Overlay boolean (N, H, W) masks on an RGB (3, H, W) uint8/float image: ``image * (1 - alpha) + colour *
    alpha`` inside the masks (pixels where masks overlap get black)."""
    if not isinstance(image, Tensor):
        raise TypeError(f"The image must be a tensor, got {type(image)}")
    elif not (image.dtype == uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    elif image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    elif image.size()[0] != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != _bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    num_masks = masks.size()[0]
    overlapping_masks = masks.sum(dim=0) > 1
    if num_masks == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    original_dtype = image.dtype
    colors = [tensor(color, dtype=original_dtype, device=image.device)
              for color in _parse_colors(colors, num_objects=num_masks, dtype=original_dtype)]
    img_to_draw = image.detach().clone()
    for mask, color in zip(masks, colors):
        img_to_draw[:, mask] = color[:, None]
    img_to_draw[:, overlapping_masks] = 0
    out = image * (1 - alpha) + img_to_draw * alpha
    return out.to(original_dtype)
