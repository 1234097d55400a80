"""The protocol buffers TensorBoard reads, taken from the ``tensorboard`` package's compiled protos (as torch does).

``tensorboard`` is an optional dependency: ``pip install ember[tensorboard]``.
"""
try:
    import tensorboard  # noqa: F401
except ImportError as e:
    raise ImportError("ember.utils.tensorboard needs the 'tensorboard' package: "
                      "pip install ember[tensorboard]  (or: pip install tensorboard)") from e
from google.protobuf import struct_pb2, text_format
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.event_pb2 import Event, SessionLog, SourceMetadata, TaggedRunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.hparams import api_pb2 as hparams_api_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.plugins.hparams import plugin_data_pb2 as hparams_plugin_data_pb2
from tensorboard.plugins.mesh import metadata as mesh_metadata
from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData
from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo, ProjectorConfig
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

__all__ = ["struct_pb2", "text_format", "AttrValue", "Event", "SessionLog", "SourceMetadata", "TaggedRunMetadata",
           "GraphDef", "NodeDef", "DeviceStepStats", "RunMetadata", "StepStats", "HistogramProto", "Summary",
           "SummaryMetadata", "TensorProto", "TensorShapeProto", "VersionDef", "layout_pb2", "hparams_api_pb2",
           "hparams_metadata", "hparams_plugin_data_pb2", "mesh_metadata", "MeshPluginData", "PrCurvePluginData",
           "EmbeddingInfo", "ProjectorConfig", "TextPluginData", "shape_proto"]


def shape_proto(shape):
    """A ``TensorShapeProto`` with one ``Dim`` per size."""
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in shape])
