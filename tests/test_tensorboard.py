"""ember.utils.tensorboard: event files read back by TensorBoard's own readers, and compared proto by proto
with the files torch.utils.tensorboard writes for the same calls."""
import glob
import io
import os
import socket
import struct
import wave

import numpy as np
import pytest
import torch

import ember

pytest.importorskip("tensorboard")
from PIL import Image  # noqa: E402  (a tensorboard dependency)
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader  # noqa: E402
from tensorboard.compat.proto.event_pb2 import Event  # noqa: E402
from tensorboard.compat.proto.graph_pb2 import GraphDef  # noqa: E402
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as tb_masked_crc  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

from ember.utils.tensorboard import SummaryWriter  # noqa: E402
from ember.utils.tensorboard._record_writer import crc32c, masked_crc32c  # noqa: E402

WALL = 1234567890.5


def event_files(logdir):
    return sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*")))


def read_events(logdir):
    """Every Event of every event file directly in ``logdir``, in file order (CRCs checked by the reader)."""
    out = []
    for f in event_files(logdir):
        out += [Event.FromString(r) for r in RawEventFileLoader(f).Load()]
    return out


def accumulator(logdir):
    ea = EventAccumulator(logdir, size_guidance={"scalars": 0, "histograms": 0, "images": 0, "audio": 0,
                                                 "tensors": 0, "compressedHistograms": 0})
    ea.Reload()
    return ea


# ---------------------------------------------------------------------------------------------- framing

def test_crc32c_matches_tensorboard():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0
    rng = np.random.default_rng(0)
    for n in (1, 3, 4, 5, 15, 16, 17, 63, 64, 255, 1023, 1024, 1025, 4096, 5000, 70001):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert masked_crc32c(data) == tb_masked_crc(data), n
    assert crc32c(memoryview(np.arange(2000, dtype=np.uint8))) == crc32c(bytes(np.arange(2000, dtype=np.uint8)))


def test_file_name_framing_and_first_event(tmp_path):
    w = SummaryWriter(str(tmp_path), filename_suffix=".v2")
    w.add_scalar("x", 1.5, 3)
    w.close()
    (f,) = event_files(str(tmp_path))
    base = os.path.basename(f)
    parts = base.split(".")
    assert base.startswith("events.out.tfevents.") and base.endswith(".v2")
    assert len(parts[3]) == 10 and parts[3].isdigit()
    assert socket.gethostname() in base and f".{os.getpid()}." in base
    raw = open(f, "rb").read()
    pos, records = 0, []
    while pos < len(raw):      # uint64 length, masked crc of it, payload, masked crc of payload
        header = raw[pos:pos + 8]
        (n,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", raw[pos + 8:pos + 12])[0] == tb_masked_crc(header)
        data = raw[pos + 12:pos + 12 + n]
        assert struct.unpack("<I", raw[pos + 12 + n:pos + 16 + n])[0] == tb_masked_crc(data)
        records.append(Event.FromString(data))
        pos += 16 + n
    assert records[0].file_version == "brain.Event:2" and records[0].wall_time > 0
    assert records[1].step == 3 and records[1].summary.value[0].simple_value == 1.5


def test_default_log_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.close()
    (d,) = os.listdir(tmp_path / "runs")
    assert d.endswith("_" + socket.gethostname() + "_lr0.1")
    assert w.get_logdir() == os.path.join("runs", d)
    assert len(event_files(os.path.join("runs", d))) == 1


def test_queue_flush_and_reopen(tmp_path):
    w = SummaryWriter(str(tmp_path), max_queue=1000, flush_secs=1000)
    (f,) = event_files(str(tmp_path))
    size0 = os.path.getsize(f)          # the file_version event is flushed at creation
    for i in range(3):
        w.add_scalar("a", float(i), i)
    assert os.path.getsize(f) == size0  # queued / buffered, not yet flushed
    w.flush()
    assert [e.step for e in read_events(str(tmp_path)) if e.HasField("summary")] == [0, 1, 2]
    w.close()
    w.close()                           # a second close does nothing
    w.add_scalar("a", 9.0, 9)           # as torch: a closed writer reopens in a new event file
    w.close()
    assert len(event_files(str(tmp_path))) == 2
    assert [e.step for e in read_events(str(tmp_path)) if e.HasField("summary")] == [0, 1, 2, 9]


def test_context_manager_and_flush_secs(tmp_path):
    with SummaryWriter(str(tmp_path), flush_secs=0.05) as w:
        w.add_scalar("a", 2.0, 1)
        import time
        deadline = time.time() + 10
        while time.time() < deadline and len(read_events(str(tmp_path))) < 2:
            time.sleep(0.02)
        assert len(read_events(str(tmp_path))) == 2    # flushed by the timer, without flush()
    assert w.all_writers is None


def test_purge_step(tmp_path):
    with SummaryWriter(str(tmp_path), purge_step=7) as w:
        w.add_scalar("a", 1.0, 7)
    ev = read_events(str(tmp_path))
    assert ev[1].step == 7 and ev[1].file_version == "brain.Event:2"
    assert ev[2].step == 7 and ev[2].session_log.status == ev[2].session_log.START


# ------------------------------------------------------------------------------ same protos as torch

RNG = np.random.default_rng(42)
IMG_F = RNG.random((3, 10, 12)).astype(np.float32) * 1.2 - 0.1      # out-of-range values get clipped
IMG_U8 = RNG.integers(0, 256, (10, 12, 3), dtype=np.uint8)
BATCH = RNG.random((10, 1, 6, 5)).astype(np.float32)
VALUES = RNG.normal(size=(50, 20)).astype(np.float32)
LABELS = RNG.integers(0, 2, 200)
PREDS = RNG.random(200).astype(np.float32)
VERTS = RNG.normal(size=(1, 6, 3)).astype(np.float32)
COLORS = RNG.integers(0, 256, (1, 6, 3)).astype(np.int32)
FACES = np.array([[[0, 1, 2], [2, 3, 4], [1, 4, 5]]], dtype=np.int32)


def _t(m, a):
    return m.from_numpy(np.array(a, copy=True))


CASES = {
    "scalar": lambda w, m: [w.add_scalar("loss", v, i, walltime=WALL)
                            for i, v in enumerate([1, 2.5, np.float32(0.1), _t(m, np.float64(3.25)),
                                                   _t(m, [[0.75]]), np.int64(-4)])],
    "scalar_new_style": lambda w, m: [w.add_scalar("s", 0.1, 0, WALL, new_style=True),
                                      w.add_scalar("d", 0.1, 1, WALL, new_style=True, double_precision=True)],
    "tensor": lambda w, m: [w.add_tensor(f"t{i}", _t(m, a), i, WALL) for i, a in enumerate([
        VALUES[:2, :3], VALUES[:3].astype(np.float64), np.arange(6, dtype=np.int32).reshape(2, 3),
        np.arange(4, dtype=np.int64), np.array([1, 0, 1], dtype=bool), np.arange(5, dtype=np.uint8),
        np.array([1.5, -2.0], dtype=np.float16), np.array([1 + 2j, 3 - 1j], dtype=np.complex64),
        np.arange(3, dtype=np.int8), np.arange(3, dtype=np.int16)])],
    "histogram": lambda w, m: [w.add_histogram("h", _t(m, VALUES), 1, walltime=WALL),
                               w.add_histogram("h_np", VALUES * 100, 2, walltime=WALL),
                               w.add_histogram("auto", _t(m, VALUES), 3, bins="auto", walltime=WALL),
                               w.add_histogram("ten", VALUES, 4, bins=10, walltime=WALL),
                               w.add_histogram("max", _t(m, VALUES), 5, walltime=WALL, max_bins=7),
                               w.add_histogram("const", np.full(5, 3.0), 6, walltime=WALL),
                               w.add_histogram("int", _t(m, np.arange(10)), 7, walltime=WALL)],
    "histogram_raw": lambda w, m: w.add_histogram_raw("r", 0.0, 5.0, 6, 15.0, 55.0, [1.0, 3.0, 5.0], [1, 2, 3],
                                                      2, WALL),
    "image": lambda w, m: [w.add_image("chw", _t(m, IMG_F), 0, WALL),
                           w.add_image("hwc_u8", IMG_U8, 1, WALL, dataformats="HWC"),
                           w.add_image("hw", _t(m, IMG_F[0]), 2, WALL, dataformats="HW"),
                           w.add_image("1hw", IMG_F[:1], 3, WALL),
                           w.add_image("wh", IMG_F[0], 4, WALL, dataformats="WH")],
    "images": lambda w, m: [w.add_images("nchw", _t(m, BATCH), 0, WALL),
                            w.add_images("nhwc", BATCH.transpose(0, 2, 3, 1), 1, WALL, dataformats="NHWC"),
                            w.add_images("three", _t(m, BATCH[:3].repeat(3, 1)), 2, WALL)],
    "image_with_boxes": lambda w, m: w.add_image_with_boxes(
        "b", _t(m, IMG_F), _t(m, np.array([[1, 1, 6, 5], [2, 3, 9, 8]], dtype=np.float32)), 0, WALL,
        labels=["cat", "dog"]),
    "audio": lambda w, m: [w.add_audio("a", _t(m, np.sin(np.linspace(0, 40, 800))[None].astype(np.float32)), 0,
                                       sample_rate=8000, walltime=WALL),
                           w.add_audio("clip", _t(m, np.linspace(-2, 2, 100)), 1, walltime=WALL)],
    "text": lambda w, m: w.add_text("note", "**bold** ünïcode", 5, WALL),
    "pr_curve": lambda w, m: [w.add_pr_curve("pr", _t(m, LABELS), _t(m, PREDS), 0, walltime=WALL),
                              w.add_pr_curve("pr_w", LABELS, PREDS, 1, num_thresholds=300,
                                             weights=np.linspace(0.5, 1.5, 200), walltime=WALL)],
    "pr_curve_raw": lambda w, m: w.add_pr_curve_raw(
        "raw", [10, 8, 3], [5, 3, 1], [0, 2, 4], [0, 2, 7], [0.66, 0.72, 0.75], [1.0, 0.8, 0.3], 0, 3,
        walltime=WALL),
    "custom_scalars": lambda w, m: [
        w.add_custom_scalars({"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
                              "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]]}}),
        w.add_custom_scalars_multilinechart(["a", "b"], category="c", title="t"),
        w.add_custom_scalars_marginchart(["a", "b", "c"])],
    "mesh": lambda w, m: [w.add_mesh("m", _t(m, VERTS), colors=_t(m, COLORS), faces=_t(m, FACES), global_step=0,
                                     walltime=WALL),
                          w.add_mesh("pts", VERTS, config_dict={"camera": {"fov": 75}}, global_step=1,
                                     walltime=WALL)],
}


def _strip(events):
    """Events after the writer's own first record, with wall times not given by the caller zeroed."""
    out = []
    for e in events[1:]:
        e = Event.FromString(e.SerializeToString())
        if e.wall_time != WALL:
            e.wall_time = 0
        out.append(e)
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_events_as_torch(case, tmp_path):
    for name, writer_cls, mod in (("ember", SummaryWriter, ember), ("torch", TorchWriter, torch)):
        with writer_cls(str(tmp_path / name)) as w:
            CASES[case](w, mod)
    ours, theirs = _strip(read_events(str(tmp_path / "ember"))), _strip(read_events(str(tmp_path / "torch")))
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs):
        assert a == b, f"\nember: {a}\ntorch: {b}"


def test_add_scalars_same_runs_as_torch(tmp_path):
    for name, writer_cls in (("ember", SummaryWriter), ("torch", TorchWriter)):
        with writer_cls(str(tmp_path / name)) as w:
            for i in range(3):
                w.add_scalars("run/14h", {"xsinx": i * np.sin(i), "xcosx": i * np.cos(i)}, i, walltime=WALL)
    subdirs = sorted(os.listdir(tmp_path / "ember"))
    assert [d for d in subdirs if not d.startswith("events")] == ["run_14h_xcosx", "run_14h_xsinx"]
    for d in ("run_14h_xcosx", "run_14h_xsinx"):
        assert _strip(read_events(str(tmp_path / "ember" / d))) == _strip(read_events(str(tmp_path / "torch" / d)))
    ea = accumulator(str(tmp_path / "ember" / "run_14h_xsinx"))
    assert [(s.step, s.value) for s in ea.Scalars("run/14h")] == [(i, float(np.float32(i * np.sin(i))))
                                                                  for i in range(3)]


def test_add_hparams_same_as_torch(tmp_path):
    hp = {"lr": 0.1, "bsize": 4, "opt": "adam", "bn": True, "skip": None}
    metrics = {"hparam/accuracy": 0.9, "hparam/loss": 0.25}
    discrete = {"opt": ["adam", "sgd"], "bsize": [4, 8]}
    for name, writer_cls in (("ember", SummaryWriter), ("torch", TorchWriter)):
        with writer_cls(str(tmp_path / name)) as w:
            w.add_hparams(hp, metrics, hparam_domain_discrete=discrete, run_name="r1", global_step=2)
    ours, theirs = read_events(str(tmp_path / "ember" / "r1")), read_events(str(tmp_path / "torch" / "r1"))
    strip = lambda evs: [e.summary for e in evs if e.HasField("summary")]  # noqa: E731
    assert strip(ours) == strip(theirs)
    ea = accumulator(str(tmp_path / "ember" / "r1"))
    content = ea.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    assert start.session_start_info.hparams["lr"].number_value == 0.1
    assert start.session_start_info.hparams["opt"].string_value == "adam"
    assert start.session_start_info.hparams["bn"].number_value == 1.0
    assert "skip" not in start.session_start_info.hparams
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [h.name for h in exp.hparam_infos] == ["lr", "bsize", "opt", "bn"]
    assert [v.string_value for v in exp.hparam_infos[2].domain_discrete.values] == ["adam", "sgd"]
    assert [m.name.tag for m in exp.metric_infos] == list(metrics)
    assert ea.Scalars("hparam/accuracy")[0].value == pytest.approx(0.9)
    assert ea.Scalars("hparam/loss")[0].step == 2


def test_add_embedding_same_files_as_torch(tmp_path):
    mat = RNG.normal(size=(12, 5)).astype(np.float32)
    meta = [f"w{i}" for i in range(12)]
    label_img = RNG.random((12, 3, 4, 6)).astype(np.float32)
    for name, writer_cls, mod in (("ember", SummaryWriter, ember), ("torch", TorchWriter, torch)):
        with writer_cls(str(tmp_path / name)) as w:
            w.add_embedding(_t(mod, mat), metadata=meta, label_img=_t(mod, label_img), global_step=3, tag="a/b")
            w.add_embedding(mat[:, :2], metadata=[[m, i % 3] for i, m in enumerate(meta)],
                            metadata_header=["word", "cls"])
    files = sorted(os.path.relpath(p, tmp_path / "ember") for p in glob.glob(str(tmp_path / "ember/**"),
                                                                               recursive=True)
                   if os.path.isfile(p) and "events.out" not in p)
    assert files == ["00000/default/metadata.tsv", "00000/default/tensors.tsv", "00003/a%2fb/metadata.tsv",
                     "00003/a%2fb/sprite.png", "00003/a%2fb/tensors.tsv", "projector_config.pbtxt"]
    for f in files:
        assert (tmp_path / "ember" / f).read_bytes() == (tmp_path / "torch" / f).read_bytes(), f
    rows = np.loadtxt(tmp_path / "ember/00003/a%2fb/tensors.tsv", delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(rows, mat)
    sprite = np.asarray(Image.open(tmp_path / "ember/00003/a%2fb/sprite.png"))
    assert sprite.shape == (24, 24, 3)   # 4 columns of 6-wide images, squared
    np.testing.assert_array_equal(sprite[:4, :6], (label_img[0].transpose(1, 2, 0) * 255).astype(np.uint8))


# ------------------------------------------------------------------ values read back by EventAccumulator

def test_accumulator_reads_every_value(tmp_path):
    d = str(tmp_path)
    steps = np.arange(20)
    vals = np.cos(steps / 3.0)
    with SummaryWriter(d) as w:
        for s, v in zip(steps, vals):
            w.add_scalar("train/loss", ember.tensor(v), int(s))
            w.add_scalar("new/acc", float(v), int(s), new_style=True)
            w.add_scalar("new/acc64", float(v), int(s), new_style=True, double_precision=True)
        w.add_histogram("weights", ember.from_numpy(VALUES), 0)
        w.add_histogram_raw("raw", 0.0, 5.0, 6, 15.0, 55.0, [1.0, 3.0, 5.0], [1, 2, 3], 1)
        w.add_image("img", ember.from_numpy(IMG_F), 0)
        w.add_images("grid", ember.from_numpy(BATCH), 0)
        w.add_audio("snd", ember.from_numpy(np.sin(np.linspace(0, 40, 800))[None]), 0, sample_rate=8000)
        w.add_text("note", "hello *world*", 0)
        w.add_pr_curve("pr", LABELS, PREDS, 0, num_thresholds=11)
        w.add_tensor("tens", ember.from_numpy(VALUES[:2, :3]), 0)
    ea = accumulator(d)
    tags = ea.Tags()
    assert tags["scalars"] == ["train/loss"]
    assert [(e.step, e.value) for e in ea.Scalars("train/loss")] == [
        (int(s), float(np.float32(v))) for s, v in zip(steps, vals)]
    acc = ea.Tensors("new/acc")
    assert [e.step for e in acc] == list(steps)
    np.testing.assert_array_equal([tensor_util.make_ndarray(e.tensor_proto) for e in acc], vals.astype(np.float32))
    acc64 = [tensor_util.make_ndarray(e.tensor_proto) for e in ea.Tensors("new/acc64")]
    np.testing.assert_array_equal(acc64, vals)
    assert ea.SummaryMetadata("new/acc").plugin_data.plugin_name == "scalars"

    (h,) = ea.Histograms("weights")
    flat = VALUES.astype(np.float64).ravel()
    hv = h.histogram_value
    assert (hv.min, hv.max, hv.num) == (flat.min(), flat.max(), flat.size)
    assert hv.sum == pytest.approx(flat.sum()) and hv.sum_squares == pytest.approx(flat @ flat)
    assert sum(hv.bucket) == flat.size and len(hv.bucket) == len(hv.bucket_limit)
    edges = np.asarray(hv.bucket_limit)
    # each bucket counts the values in (previous limit, limit]: recount from the data
    counts, _ = np.histogram(flat, bins=np.concatenate([[edges[0] / 1.1 if edges[0] > 0 else edges[0] * 1.1],
                                                        edges]))
    np.testing.assert_array_equal(counts[1:], np.asarray(hv.bucket[1:]))
    (r,) = ea.Histograms("raw")
    assert list(r.histogram_value.bucket_limit) == [1.0, 3.0, 5.0] and list(r.histogram_value.bucket) == [1, 2, 3]
    assert r.step == 1

    (im,) = ea.Images("img")
    assert (im.width, im.height) == (12, 10)
    pix = np.asarray(Image.open(io.BytesIO(im.encoded_image_string)))
    np.testing.assert_array_equal(pix, (IMG_F.transpose(1, 2, 0) * 255).clip(0, 255).astype(np.uint8))
    (grid,) = ea.Images("grid")
    pix = np.asarray(Image.open(io.BytesIO(grid.encoded_image_string)))
    assert pix.shape == (12, 40, 3)   # 10 images -> 8 columns x 2 rows
    np.testing.assert_array_equal(pix[6:12, 5:10, 0], (BATCH[9, 0] * 255).astype(np.uint8))
    np.testing.assert_array_equal(pix[6:, 10:], 0)

    (au,) = ea.Audio("snd")
    assert au.sample_rate == 8000 and au.length_frames == 800 and au.content_type == "audio/wav"
    with wave.open(io.BytesIO(au.encoded_audio_string)) as wf:
        pcm = np.frombuffer(wf.readframes(wf.getnframes()), "<i2")
        assert (wf.getnchannels(), wf.getsampwidth(), wf.getframerate()) == (1, 2, 8000)
    np.testing.assert_array_equal(pcm, (np.sin(np.linspace(0, 40, 800)) * 32767).astype(np.int16))

    (txt,) = ea.Tensors("note/text_summary")
    assert tensor_util.make_ndarray(txt.tensor_proto).tolist() == [b"hello *world*"]
    (pr,) = ea.Tensors("pr")
    data = tensor_util.make_ndarray(pr.tensor_proto)
    assert data.shape == (6, 11)
    bucket = np.floor(PREDS * 10).astype(int)
    tp = [(LABELS[bucket >= k] == 1).sum() for k in range(11)]
    fp = [(LABELS[bucket >= k] == 0).sum() for k in range(11)]
    np.testing.assert_array_equal(data[0], tp)
    np.testing.assert_array_equal(data[1], fp)
    np.testing.assert_allclose(data[4], np.array(tp) / np.maximum(1e-7, np.add(tp, fp)), rtol=1e-6)
    (tens,) = ea.Tensors("tens")
    np.testing.assert_array_equal(tensor_util.make_ndarray(tens.tensor_proto), VALUES[:2, :3])


def test_add_graph(tmp_path):
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = ember.nn.Linear(4, 8)
            self.act = ember.nn.Sequential(ember.nn.ReLU(), ember.nn.Linear(8, 3))

        def forward(self, x):
            return self.act(self.fc1(x)) * 2

    net = Net().train()
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(net, ember.randn(5, 4))
    assert net.training
    ea = accumulator(str(tmp_path))
    g = ea.Graph()
    assert isinstance(g, GraphDef)
    nodes = {n.name: n for n in g.node}
    for n in g.node:
        assert all(i in nodes for i in n.input), n
    shape = lambda n: [[d.size for d in s.dim] for s in nodes[n].attr["_output_shapes"].list.shape]  # noqa: E731
    assert shape("input/input.1") == [[5, 4]]
    assert shape("Net/Linear[fc1]/weight") == [[8, 4]]
    assert shape("Net/Sequential[act]/Linear[1]/bias") == [[3]]
    ops = [n for n in g.node if n.op.startswith("aten::")]
    scopes = [n.name.rsplit("/", 1)[0] for n in ops]
    assert "Net/Linear[fc1]" in scopes and "Net/Sequential[act]/ReLU[0]" in scopes
    assert "Net/Sequential[act]/Linear[1]" in scopes and scopes[-1] == "Net"   # the final * 2
    (out,) = [n for n in g.node if n.name == "output/output.1"]
    assert shape("output/output.1") == [[5, 3]] and out.input[0].startswith("Net/mul")
    relu = [n for n in ops if n.name.startswith("Net/Sequential[act]/ReLU[0]")][0]
    assert shape(relu.name) == [[5, 8]]
    assert any(i.startswith("Net/Linear[fc1]/") for i in relu.input)
    assert ea.Tags()["run_metadata"] == ["step1"]
    assert [n.op for n in ops] == ["aten::t", "aten::addmm", "aten::relu", "aten::t", "aten::addmm", "aten::mul"]
    assert [n.name for n in g.node if n.op == "prim::GetAttr"] == [
        "Net/Linear[fc1]/weight", "Net/Linear[fc1]/bias", "Net/Sequential[act]/Linear[1]/weight",
        "Net/Sequential[act]/Linear[1]/bias"]


def test_add_graph_conv_names():
    from ember.utils.tensorboard._graph import graph

    nn = ember.nn
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.MaxPool2d(2), nn.Flatten())
    g, _ = graph(model, ember.randn(2, 1, 6, 6))
    ops = {n.name: n.op for n in g.node}
    assert ops["Sequential/Conv2d[0]/convolution.1"] == "aten::convolution"
    assert ops["Sequential/MaxPool2d[2]/max_pool2d_with_indices.1"] == "aten::max_pool2d_with_indices"
    assert any(op == "aten::native_batch_norm" or op.endswith("batch_norm") for op in ops.values())


def test_optional_dependencies(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        try:
            import moviepy  # noqa: F401
        except ImportError:
            with pytest.raises(ImportError, match="moviepy"):
                w.add_video("v", ember.rand(1, 2, 3, 4, 4))
        try:
            import onnx  # noqa: F401
        except ImportError:
            with pytest.raises(ImportError, match="onnx"):
                w.add_onnx_graph("model.onnx")


def test_add_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = []
    for name, writer_cls in (("ember", SummaryWriter), ("torch", TorchWriter)):
        fig = plt.figure(figsize=(2, 1.5), dpi=20)
        plt.plot([0, 1], [1, 0])
        figs.append(fig)
        with writer_cls(str(tmp_path / name)) as w:
            w.add_figure("fig", fig, 0, walltime=WALL)
        assert not plt.fignum_exists(fig.number)
    assert _strip(read_events(str(tmp_path / "ember"))) == _strip(read_events(str(tmp_path / "torch")))
    (im,) = accumulator(str(tmp_path / "ember")).Images("fig")
    assert (im.width, im.height) == (40, 30)


@pytest.mark.parametrize("call, exc", [
    (lambda w: w.add_histogram_raw("r", 0, 1, 1, 1, 1, [1.0, 2.0], [1]), ValueError),
    (lambda w: w.add_histogram("h", np.array([])), ValueError),
    (lambda w: w.add_custom_scalars_marginchart(["a", "b"]), AssertionError),
    (lambda w: w.add_scalar("s", np.ones(3)), AssertionError),
    (lambda w: w.add_hparams([1], {}), TypeError),
    (lambda w: w.add_hparams({"a": [1]}, {}), ValueError),
    (lambda w: w.add_hparams({"a": 1}, {}, hparam_domain_discrete={"a": ["x"]}), TypeError),
    (lambda w: w.add_image("i", np.zeros((3, 4, 4)), dataformats="HWCC"), AssertionError),
    (lambda w: w.add_image("i", np.zeros((3, 4, 4)), dataformats="HW"), AssertionError),
    (lambda w: w.add_images("i", np.zeros((2, 2, 4, 4))), AssertionError),
    (lambda w: w.add_audio("a", np.zeros((2, 10))), AssertionError),
    (lambda w: w.add_embedding(np.zeros((3, 2)), metadata=["a"]), AssertionError),
    (lambda w: w.add_scalar("s", [1.0]), NotImplementedError),
])
def test_errors_match_torch(call, exc, tmp_path):
    for writer_cls in (SummaryWriter, TorchWriter):
        with writer_cls(str(tmp_path / writer_cls.__module__)) as w:
            with pytest.raises(exc):
                call(w)
