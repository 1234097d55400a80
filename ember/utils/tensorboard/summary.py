"""Summary protocol buffers, one builder per kind of data (``torch.utils.tensorboard.summary``).

Every builder returns the same ``Summary`` proto torch's function of the same name returns for the same
input, so TensorBoard shows identical data whichever library wrote the file.
"""
import io
import json
import logging
import wave

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from ._proto import (HistogramProto, PrCurvePluginData, Summary, SummaryMetadata, TensorProto, TextPluginData,
                     hparams_api_pb2, hparams_metadata, hparams_plugin_data_pb2, layout_pb2, mesh_metadata,
                     MeshPluginData, shape_proto, struct_pb2)
from ._utils import as_array, convert_to_HWC, make_np, prepare_video

__all__ = ["half_to_int", "int_to_half", "hparams", "scalar", "histogram_raw", "histogram", "make_histogram",
           "image", "image_boxes", "draw_boxes", "make_image", "video", "make_video", "audio", "custom_scalars",
           "text", "tensor_proto", "pr_curve_raw", "pr_curve", "compute_curve", "mesh", "default_bins"]

logger = logging.getLogger(__name__)


def half_to_int(f):
    """The int32 whose bits are ``f`` as a float32 (what torch stores in ``half_val``)."""
    return int(np.array(f, np.float32).view(np.int32))


def int_to_half(i):
    """Inverse of ``half_to_int``."""
    return float(np.array(i, np.int32).view(np.float32))


def _half_vals(a):
    return np.ascontiguousarray(a, np.float32).view(np.int32).ravel().tolist()


def _complex_vals(a):
    a = np.ascontiguousarray(a)
    return a.view(a.real.dtype).ravel().tolist()


def _plain_vals(a):
    return a.ravel().tolist()


# torch's _TENSOR_TYPE_MAP (dtypes ember has); uint8 ends up in uint32_val, as the later entry of torch's map
_TENSOR_TYPES = {
    D.float16: ("DT_HALF", "half_val", _half_vals),
    D.bfloat16: ("DT_BFLOAT16", "half_val", _half_vals),
    D.float32: ("DT_FLOAT", "float_val", _plain_vals),
    D.float64: ("DT_DOUBLE", "double_val", _plain_vals),
    D.int8: ("DT_INT8", "int_val", _plain_vals),
    D.uint8: ("DT_UINT8", "uint32_val", _plain_vals),
    D.int16: ("DT_INT16", "int_val", _plain_vals),
    D.int32: ("DT_INT32", "int_val", _plain_vals),
    D.int64: ("DT_INT64", "int64_val", _plain_vals),
    D.complex64: ("DT_COMPLEX64", "scomplex_val", _complex_vals),
    D.bool: ("DT_BOOL", "bool_val", _plain_vals),
    D.complex128: ("DT_COMPLEX128", "dcomplex_val", _complex_vals),
}

_default_bins = None


def default_bins():
    """TensorFlow's histogram bucket edges: -1e20..-1e-12, 0, 1e-12..1e20 growing by a factor 1.1.

    Built by the same chain of float64 multiplications as torch, so the edges are bit-identical.
    """
    global _default_bins
    if _default_bins is None:
        steps = np.full(800, 1.1)
        steps[0] = 1e-12
        pos = np.cumprod(steps)
        pos = pos[pos < 1e20]
        _default_bins = np.concatenate([-pos[::-1], [0.0], pos])
    return _default_bins


def _summary(tag, **fields):
    return Summary(value=[Summary.Value(tag=tag, **fields)])


def _plugin_metadata(name, content=None):
    data = SummaryMetadata.PluginData(plugin_name=name)
    if content is not None:
        data.content = content
    return SummaryMetadata(plugin_data=data)


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The three summaries of the hparams plugin: ``(experiment, session_start_info, session_end_info)``."""
    if not isinstance(hparam_dict, dict):
        logger.warning("parameter: hparam_dict should be a dictionary, nothing logged.")
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        logger.warning("parameter: metric_dict should be a dictionary, nothing logged.")
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    DataType = hparams_api_pb2.DataType
    hps = []
    ssi = hparams_plugin_data_pb2.SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        discrete = hparam_domain_discrete.get(k)
        # bool is an int, so (as in torch) booleans are logged as numbers
        if isinstance(v, (int, float)):
            ssi.hparams[k].number_value = v
            field, kind = "number_value", "DATA_TYPE_FLOAT64"
        elif isinstance(v, str):
            ssi.hparams[k].string_value = v
            field, kind = "string_value", "DATA_TYPE_STRING"
        elif isinstance(v, Tensor):
            ssi.hparams[k].number_value = make_np(v)[0]
            hps.append(hparams_api_pb2.HParamInfo(name=k, type=DataType.Value("DATA_TYPE_FLOAT64")))
            continue
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        domain = None if discrete is None else struct_pb2.ListValue(
            values=[struct_pb2.Value(**{field: d}) for d in discrete])
        hps.append(hparams_api_pb2.HParamInfo(name=k, type=DataType.Value(kind), domain_discrete=domain))

    def wrap(tag, **content):
        data = hparams_plugin_data_pb2.HParamsPluginData(version=hparams_metadata.PLUGIN_DATA_VERSION, **content)
        return _summary(tag, metadata=_plugin_metadata(hparams_metadata.PLUGIN_NAME, data.SerializeToString()))

    ssi = wrap(hparams_metadata.SESSION_START_INFO_TAG, session_start_info=ssi)
    exp = hparams_api_pb2.Experiment(
        hparam_infos=hps, metric_infos=[hparams_api_pb2.MetricInfo(name=hparams_api_pb2.MetricName(tag=k))
                                        for k in metric_dict])
    exp = wrap(hparams_metadata.EXPERIMENT_TAG, experiment=exp)
    sei = hparams_plugin_data_pb2.SessionEndInfo(status=hparams_api_pb2.Status.Value("STATUS_SUCCESS"))
    sei = wrap(hparams_metadata.SESSION_END_INFO_TAG, session_end_info=sei)
    return exp, ssi, sei


def scalar(name, tensor, collections=None, new_style=False, double_precision=False):
    """A one-value summary: ``simple_value`` (old style) or a 0-d float/double tensor for the scalars plugin."""
    tensor = make_np(tensor).squeeze()
    if tensor.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). "
                             f"Was given size: {tensor.size} and {tensor.ndim} dimensions.")
    value = float(tensor)
    if not new_style:
        return _summary(name, simple_value=value)
    proto = (TensorProto(double_val=[value], dtype="DT_DOUBLE") if double_precision
             else TensorProto(float_val=[value], dtype="DT_FLOAT"))
    return _summary(name, tensor=proto, metadata=_plugin_metadata("scalars"))


def tensor_proto(tag, tensor):
    """The whole tensor as a ``TensorProto`` under the ``tensor`` plugin."""
    if tensor.numel() * tensor.element_size() >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    if tensor.dtype not in _TENSOR_TYPES:
        raise ValueError(f"{tag} has unsupported tensor dtype {tensor.dtype}")
    dtype, field, convert = _TENSOR_TYPES[tensor.dtype]
    array = tensor.detach().cpu().numpy()
    proto = TensorProto(dtype=dtype, tensor_shape=shape_proto(tensor.shape), **{field: convert(array)})
    return _summary(tag, metadata=_plugin_metadata("tensor"), tensor=proto)


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram summary from precomputed statistics and buckets."""
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return _summary(name, histo=hist)


def histogram(name, values, bins, max_bins=None):
    """A histogram summary of ``values`` (any shape) over ``bins`` (edges, a count or a NumPy rule name)."""
    return _summary(name, histo=make_histogram(make_np(values).astype(float), bins, max_bins))


def make_histogram(values, bins, max_bins=None):
    """``HistogramProto`` of ``values``: NumPy's histogram trimmed to the occupied bucket range.

    TensorBoard reads only right edges, so one empty bucket is kept left of the first occupied one;
    ``max_bins`` merges neighbouring buckets (zero-padding the last group) as torch does.
    """
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        rem = len(counts) % group
        if rem:
            counts = np.pad(counts, (0, group - rem))
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    occupied = np.cumsum(counts > 0)
    start, end = np.searchsorted(occupied, [0, occupied[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def _scale_to_uint8(array):
    """Floats in [0, 1] or uint8 in [0, 255] -> clipped uint8."""
    scale = 1 if array.dtype == np.uint8 else 255
    return (array.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def image(tag, tensor, rescale=1, dataformats="NCHW"):
    """An image summary (PNG); a batch (4-D) is tiled into a grid of eight columns."""
    array = convert_to_HWC(make_np(tensor), dataformats)
    return _summary(tag, image=make_image(_scale_to_uint8(array), rescale=rescale))


def image_boxes(tag, tensor_image, tensor_boxes, rescale=1, dataformats="CHW", labels=None):
    """An image summary with red boxes ``[x1, y1, x2, y2]`` (and optional labels) drawn on it."""
    array = convert_to_HWC(make_np(tensor_image), dataformats)
    boxes = make_np(tensor_boxes)
    scaled = array.astype(np.float32) * (1 if array.dtype == np.uint8 else 255)
    return _summary(tag, image=make_image(scaled.clip(0, 255).astype(np.uint8), rescale=rescale,
                                          rois=boxes, labels=labels))


def _draw_single_box(img, xmin, ymin, xmax, ymax, display_str, color="black", color_text="black", thickness=2):
    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default()
    draw = ImageDraw.Draw(img)
    draw.line([(xmin, ymin), (xmin, ymax), (xmax, ymax), (xmax, ymin), (xmin, ymin)], width=thickness, fill=color)
    if display_str:
        left, top, right, bottom = font.getbbox(display_str)
        text_width, text_height = right - left, bottom - top
        margin = np.ceil(0.05 * text_height)
        draw.rectangle([(xmin, ymax - text_height - 2 * margin), (xmin + text_width, ymax)], fill=color)
        draw.text((xmin + margin, ymax - text_height - margin), display_str, fill=color_text, font=font)
    return img


def draw_boxes(disp_image, boxes, labels=None):
    """Draw each row ``[x1, y1, x2, y2]`` of ``boxes`` on the PIL image in red."""
    for i in range(boxes.shape[0]):
        disp_image = _draw_single_box(disp_image, boxes[i, 0], boxes[i, 1], boxes[i, 2], boxes[i, 3],
                                      display_str=None if labels is None else labels[i], color="Red")
    return disp_image


def make_image(tensor, rescale=1, rois=None, labels=None):
    """``Summary.Image`` (PNG, encoded by Pillow as torch does) from an ``H x W x C`` uint8 array."""
    from PIL import Image

    height, width, channel = tensor.shape
    img = Image.fromarray(tensor)
    if rois is not None:
        img = draw_boxes(img, rois, labels=labels)
    img = img.resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    with io.BytesIO() as out:
        img.save(out, format="PNG")
        encoded = out.getvalue()
    return Summary.Image(height=height, width=width, colorspace=channel, encoded_image_string=encoded)


def video(tag, tensor, fps=4):
    """A video summary (animated GIF) of a ``B x T x C x H x W`` tensor; needs ``moviepy`` like torch."""
    array = _scale_to_uint8(prepare_video(make_np(tensor)))
    return _summary(tag, image=make_video(array, fps))


def make_video(tensor, fps):
    """``Summary.Image`` holding a GIF of the ``T x H x W x C`` uint8 frames, written by moviepy."""
    try:
        try:
            from moviepy import ImageSequenceClip           # moviepy >= 2
        except ImportError:
            from moviepy.editor import ImageSequenceClip    # moviepy 1.x
    except ImportError as e:
        raise ImportError("add_video needs the 'moviepy' package: pip install moviepy") from e
    import tempfile

    _, h, w, c = tensor.shape
    clip = ImageSequenceClip(list(tensor), fps=fps)
    with tempfile.TemporaryDirectory() as d:
        path = d + "/video.gif"
        try:
            clip.write_gif(path, logger=None)
        except TypeError:       # moviepy versions before the logger argument
            clip.write_gif(path, verbose=False, progress_bar=False)
        with open(path, "rb") as f:
            encoded = f.read()
    return Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=encoded)


def audio(tag, tensor, sample_rate=44100):
    """An audio summary: one channel of samples in [-1, 1] as 16-bit PCM WAV."""
    array = make_np(tensor).squeeze()
    if abs(array).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        array = array.clip(-1, 1)
    if array.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    array = (array * np.iinfo(np.int16).max).astype("<i2")
    with io.BytesIO() as fio:
        with wave.open(fio, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(array.tobytes())
        encoded = fio.getvalue()
    return _summary(tag, audio=Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=array.shape[-1],
                                             encoded_audio_string=encoded, content_type="audio/wav"))


def custom_scalars(layout):
    """The custom-scalars layout summary: ``{category: {chart: ["Multiline"|"Margin", tags]}}``."""
    categories = []
    for category, charts in layout.items():
        protos = []
        for title, chart in charts.items():
            tags = chart[1]
            if chart[0] == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
                protos.append(layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(series=[series])))
            else:
                protos.append(layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(layout_pb2.Category(title=category, chart=protos))
    proto = TensorProto(dtype="DT_STRING", string_val=[layout_pb2.Layout(category=categories).SerializeToString()],
                        tensor_shape=shape_proto(()))
    return _summary("custom_scalars__config__", tensor=proto, metadata=_plugin_metadata("custom_scalars"))


def text(tag, text):
    """A text summary (Markdown) under ``tag + '/text_summary'``."""
    meta = _plugin_metadata("text", TextPluginData(version=0).SerializeToString())
    proto = TensorProto(dtype="DT_STRING", string_val=[text.encode("utf_8")], tensor_shape=shape_proto((1,)))
    return _summary(tag + "/text_summary", metadata=meta, tensor=proto)


def _pr_summary(tag, data, num_thresholds):
    meta = _plugin_metadata("pr_curves", PrCurvePluginData(version=0, num_thresholds=num_thresholds)
                            .SerializeToString())
    proto = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(), tensor_shape=shape_proto(data.shape))
    return _summary(tag, metadata=meta, tensor=proto)


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    """A PR-curve summary from precomputed counts; ``num_thresholds`` is capped at 127 as in torch."""
    data = np.stack([as_array(x) for x in (tp, fp, tn, fn, precision, recall)])
    return _pr_summary(tag, data, min(num_thresholds, 127))


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """A PR-curve summary of binary ``labels`` against ``predictions`` in [0, 1]."""
    num_thresholds = min(num_thresholds, 127)
    return _pr_summary(tag, compute_curve(labels, predictions, num_thresholds, weights), num_thresholds)


def compute_curve(labels, predictions, num_thresholds=None, weights=None):
    """Rows tp, fp, tn, fn, precision, recall at ``num_thresholds`` evenly spaced thresholds."""
    weights = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    positive = labels.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_b, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=positive * weights)
    fp_b, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=(1.0 - positive) * weights)
    tp = np.cumsum(tp_b[::-1])[::-1]
    fp = np.cumsum(fp_b[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def mesh(tag, vertices, colors, faces, config_dict, display_name=None, description=None):
    """The mesh plugin's summary: one ``B x N x 3`` float tensor per present part (vertices, faces, colors)."""
    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    parts = [(t, kind) for t, kind in ((vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
                                       (colors, MeshPluginData.COLOR)) if t is not None]
    components = mesh_metadata.get_components_bitmask([kind for _, kind in parts])
    values = []
    for t, kind in parts:
        array = as_array(t)
        meta = mesh_metadata.create_summary_metadata(tag, display_name, kind, components, list(array.shape),
                                                     description, json_config=json_config)
        proto = TensorProto(dtype="DT_FLOAT", float_val=array.reshape(-1).tolist(),
                            tensor_shape=shape_proto(array.shape[:3]))
        values.append(Summary.Value(tag=mesh_metadata.get_instance_name(tag, kind), tensor=proto, metadata=meta))
    return Summary(value=values)
