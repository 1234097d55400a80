"""ember.vision.models: torchvision's architectures, state_dict keys, parameter counts, default initialisation
and weights API; state dicts saved by real torch load with strict=True and give torch's logits.

Counting parameters of the big models only needs their structure, so those tests fill new weights with zeros
(ember's torch-identical generator is exact but slow for 100M+ draws); the initialisation itself is checked
draw-for-draw against torch on a smaller ResNet.
"""
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as tnn

import ember
import ember.hub
from ember.vision import models
from ember.vision.models import resnet as eresnet
from conformance import assert_same


@pytest.fixture
def fast_init(monkeypatch):
    """Skip the random draws of weight initialisation (for tests about structure or loaded weights)."""
    def fill(self, *args, **kwargs):
        self._data[...] = 0
        return self
    monkeypatch.setattr(ember.Tensor, "uniform_", fill)
    monkeypatch.setattr(ember.Tensor, "normal_", fill)


PUBLISHED = [("resnet18", {}, 11689512), ("resnet50", {}, 25557032), ("vgg16", {}, 138357544),
             ("alexnet", {}, 61100840), ("mobilenet_v2", {}, 3504872), ("densenet121", {}, 7978856),
             ("squeezenet1_0", {}, 1248424), ("inception_v3", {"init_weights": True}, 27161264),
             ("googlenet", {"init_weights": True, "aux_logits": False}, 6624904), ("mobilenet_v3_large", {}, 5483032)]


@pytest.mark.parametrize("name,kwargs,count", PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_parameter_counts_match_torchvision(fast_init, name, kwargs, count):
    model = models.get_model(name, **kwargs)
    assert sum(p.numel() for p in model.parameters()) == count
    weights = models.get_model_weights(name).DEFAULT
    if name != "googlenet":
        assert weights.meta["num_params"] == count


def test_more_parameter_counts(fast_init):
    for name, count in [("resnet34", 21797672), ("resnext50_32x4d", 25028904), ("wide_resnet50_2", 68883240),
                        ("densenet169", 14149480), ("squeezenet1_1", 1235496), ("mobilenet_v3_small", 2542856),
                        ("vgg11_bn", 132868840)]:
        assert sum(p.numel() for p in models.get_model(name).parameters()) == count, name
        assert models.get_model_weights(name).DEFAULT.meta["num_params"] == count


# ----------------------------------------------------------------------------------------------------
# the same architecture built with real torch.nn

class TBasicBlock(tnn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = tnn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = tnn.Sequential(tnn.Conv2d(inplanes, planes, 1, stride, bias=False), tnn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class TResNet(tnn.Module):
    """torchvision's ResNet with BasicBlocks, written with torch.nn (same module order and init)."""

    def __init__(self, layers, num_classes=1000):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = tnn.BatchNorm2d(64)
        self.relu = tnn.ReLU(inplace=True)
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        inplanes = 64
        for i, (planes, n) in enumerate(zip((64, 128, 256, 512), layers)):
            blocks = [TBasicBlock(inplanes, planes, 1 if i == 0 else 2)] + [TBasicBlock(planes, planes)
                                                                              for _ in range(n - 1)]
            setattr(self, f"layer{i + 1}", tnn.Sequential(*blocks))
            inplanes = planes
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512, num_classes)
        for m in self.modules():
            if isinstance(m, tnn.Conv2d):
                tnn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, tnn.BatchNorm2d):
                tnn.init.constant_(m.weight, 1)
                tnn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _randomize_bn(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, tnn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=g)
                m.bias.uniform_(-0.2, 0.2, generator=g)
                m.running_mean.uniform_(-0.1, 0.1, generator=g)
                m.running_var.uniform_(0.5, 2.0, generator=g)


def test_torch_state_dict_loads_strictly_and_gives_torchs_logits(fast_init, tmp_path):
    tmodel = TResNet([2, 2, 2, 2])
    _randomize_bn(tmodel, 0)
    path = tmp_path / "resnet18.pth"
    torch.save(tmodel.state_dict(), path)
    emodel = models.resnet18()
    assert list(emodel.state_dict()) == list(tmodel.state_dict())
    emodel.load_state_dict(ember.load(str(path)), strict=True)
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    tmodel.eval()
    emodel.eval()
    with torch.no_grad():
        expected = tmodel(torch.tensor(x))
    with ember.no_grad():
        got = emodel(ember.tensor(x))
        again = emodel(ember.tensor(x))
    assert_same(got, expected, atol=1e-4, rtol=1e-4)
    np.testing.assert_array_equal(got.numpy(), again.numpy())  # eval mode is deterministic
    # training mode: batch statistics and running-stat updates as torch's (64x64, so that layer4's batch norm
    # sees 8 values per channel: with 2, float32 rounding is amplified beyond any useful tolerance)
    tmodel.train()
    emodel.train()
    x64 = np.random.default_rng(1).standard_normal((2, 3, 64, 64)).astype(np.float32)
    assert_same(emodel(ember.tensor(x64)).detach(), tmodel(torch.tensor(x64)).detach(), atol=1e-4, rtol=1e-4)
    assert_same(emodel.layer2[0].bn1.running_var, tmodel.layer2[0].bn1.running_var, atol=1e-6)
    # and back: ember.save -> torch.load into the torch model
    ember.save(emodel.state_dict(), str(tmp_path / "back.pth"))
    tmodel.load_state_dict(torch.load(tmp_path / "back.pth"), strict=True)


def test_default_initialisation_is_torchvisions_draw_for_draw():
    torch.manual_seed(7)
    tmodel = TResNet([1, 1, 1, 1], num_classes=10)
    ember.manual_seed(7)
    emodel = eresnet.ResNet(eresnet.BasicBlock, [1, 1, 1, 1], num_classes=10)
    tsd, esd = tmodel.state_dict(), emodel.state_dict()
    assert list(tsd) == list(esd)
    for k in tsd:
        np.testing.assert_array_equal(esd[k].numpy(), tsd[k].numpy(), err_msg=k)


def test_default_initialisation_rules():
    ember.manual_seed(0)
    m = models.mobilenet_v3_small(num_classes=10)
    fc = m.classifier[3]
    assert abs(float(fc.weight.std()) - 0.01) < 0.002 and float(fc.bias.abs().max()) == 0
    bn = m.features[0][1]
    assert bn.eps == 0.001 and bn.momentum == 0.01 and float(bn.weight.min()) == 1
    conv = m.features[1].block[0][0]  # depthwise 3x3, 16 channels: kaiming normal, fan_out = 16 * 9
    assert abs(float(conv.weight.std()) - (2 / 144) ** 0.5) < 0.03
    s = models.squeezenet1_1(num_classes=10)
    final = s.classifier[1]
    assert abs(float(final.weight.std()) - 0.01) < 0.003 and float(final.bias.abs().max()) == 0
    first = s.features[0]  # kaiming uniform, gain sqrt(2): bound sqrt(6 / fan_in)
    assert float(first.weight.abs().max()) <= (6 / 27) ** 0.5 + 1e-6


# ----------------------------------------------------------------------------------------------------
# forward / backward on small inputs

@pytest.mark.parametrize("name,kwargs,size", [("mobilenet_v3_small", {"num_classes": 7}, 32),
                                              ("mobilenet_v2", {"num_classes": 7, "width_mult": 0.5}, 32),
                                              ("squeezenet1_1", {"num_classes": 7}, 48)])
def test_forward_backward(fast_init, name, kwargs, size):
    model = models.get_model(name, **kwargs)
    for p in model.parameters():
        p.data.copy_(ember.randn(p.shape) * 0.1)
    x = ember.randn(2, 3, size, size, requires_grad=True)
    out = model(x)
    assert tuple(out.shape) == (2, 7)
    out.sum().backward()
    assert x.grad is not None and tuple(x.grad.shape) == tuple(x.shape)
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    with ember.no_grad():
        a, b = model(x), model(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("name,kwargs,size", [("densenet121", {"num_classes": 5}, 32),
                                              ("vgg11_bn", {"num_classes": 5}, 32),
                                              ("alexnet", {"num_classes": 5}, 63),
                                              ("resnext50_32x4d", {"num_classes": 5}, 32),
                                              ("googlenet", {"num_classes": 5, "init_weights": True}, 32),
                                              ("inception_v3", {"num_classes": 5, "init_weights": True}, 75)])
def test_eval_forward_shapes(fast_init, name, kwargs, size):
    model = models.get_model(name, **kwargs).eval()
    with ember.no_grad():
        out = model(ember.rand(1, 3, size, size))
    assert isinstance(out, ember.Tensor) and tuple(out.shape) == (1, 5)


def test_auxiliary_heads_and_transform_input(fast_init):
    g = models.googlenet(num_classes=4, init_weights=True, transform_input=True)
    g.train()
    out = g(ember.rand(2, 3, 32, 32))
    assert type(out).__name__ == "GoogLeNetOutputs" and out._fields == ("logits", "aux_logits2", "aux_logits1")
    assert all(tuple(t.shape) == (2, 4) for t in out)
    x = ember.rand(2, 3, 4, 4)
    t = g._transform_input(x).numpy()
    xn = x.numpy()
    np.testing.assert_allclose(t[:, 1], xn[:, 1] * (0.224 / 0.5) + (0.456 - 0.5) / 0.5, rtol=1e-6)
    inc = models.inception_v3(num_classes=4, init_weights=True)
    aux = inc.AuxLogits(ember.rand(2, 768, 17, 17))
    assert tuple(aux.shape) == (2, 4)
    assert inc.AuxLogits.fc.stddev == 0.001 and "AuxLogits.fc.weight" in inc.state_dict()
    no_aux = models.inception_v3(aux_logits=False, init_weights=True)
    assert no_aux.AuxLogits is None and not any(k.startswith("AuxLogits") for k in no_aux.state_dict())
    with pytest.warns(FutureWarning):
        models.googlenet(aux_logits=False)


# ----------------------------------------------------------------------------------------------------
# registry and weights

def test_registry():
    names = models.list_models()
    assert len(names) == 30 and names == sorted(names)
    assert {"resnet18", "vgg16_bn", "inception_v3", "googlenet", "densenet201", "mobilenet_v3_small",
            "squeezenet1_1", "wide_resnet101_2", "resnext101_64x4d", "alexnet"} <= set(names)
    assert models.list_models(include="resnet*", exclude=["resnet1*"]) == ["resnet34", "resnet50"]
    assert models.list_models(module=models) == names
    assert models.get_model_builder("ResNet18") is models.resnet18
    with pytest.raises(ValueError, match="Unknown model"):
        models.get_model("resnet9")
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.get_model_weights(models.vgg16) is models.VGG16_Weights
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is models.ResNet50_Weights.IMAGENET1K_V2
    with pytest.raises(ValueError):
        models.get_weight("ResNet50_Weights")


def test_weights_enums():
    w = models.ResNet50_Weights
    assert w.DEFAULT is w.IMAGENET1K_V2 and repr(w.DEFAULT) == "ResNet50_Weights.IMAGENET1K_V2"
    assert w.IMAGENET1K_V1.url == "https://download.pytorch.org/models/resnet50-0676ba61.pth"
    assert w.IMAGENET1K_V2.meta["_metrics"]["ImageNet-1K"]["acc@1"] == 80.858
    meta = models.AlexNet_Weights.IMAGENET1K_V1.meta
    assert len(meta["categories"]) == 1000 and meta["categories"][:2] == ["tench", "goldfish"]
    assert meta["categories"][-1] == "toilet tissue" and meta["min_size"] == (63, 63)
    assert w.verify("IMAGENET1K_V1") is w.IMAGENET1K_V1 and w.verify("ResNet50_Weights.DEFAULT") is w.DEFAULT
    assert w.verify(None) is None
    with pytest.raises(TypeError, match="expected ResNet50_Weights"):
        w.verify(models.ResNet18_Weights.DEFAULT)
    assert models.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None
    urls = {m.url for enum in (models.MobileNet_V3_Large_Weights, models.DenseNet161_Weights,
                               models.Inception_V3_Weights, models.SqueezeNet1_0_Weights) for m in enum}
    assert "https://download.pytorch.org/models/densenet161-8d451a50.pth" in urls
    assert "https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth" in urls
    import copy
    import pickle
    assert copy.deepcopy(w.IMAGENET1K_V1) is w.IMAGENET1K_V1
    assert pickle.loads(pickle.dumps(w.IMAGENET1K_V1)) is w.IMAGENET1K_V1


def test_preset_transforms_of_weights():
    pytest.importorskip("PIL")
    from ember.vision.transforms import functional as F
    preset = models.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert preset.resize_size == [232] and preset.crop_size == [224]
    img = ember.randint(0, 256, (3, 300, 260), dtype=ember.uint8)
    out = preset(img)
    assert tuple(out.shape) == (3, 224, 224) and out.dtype == ember.float32
    expected = F.normalize(F.convert_image_dtype(F.center_crop(F.resize(img, [232]), [224]), ember.float32),
                           [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    pil = F.to_pil_image(img)
    assert tuple(preset(pil).shape) == (3, 224, 224)
    assert "crop_size=[224]" in repr(preset)


@pytest.fixture
def hub_dir(tmp_path):
    old = ember.hub.get_dir()
    ember.hub.set_dir(str(tmp_path))
    yield tmp_path
    ember.hub.set_dir(old)


def test_pretrained_weights_load_from_the_hub_cache(fast_init, hub_dir):
    tmodel = TResNet([2, 2, 2, 2])
    _randomize_bn(tmodel, 1)
    (hub_dir / "checkpoints").mkdir()
    torch.save(tmodel.state_dict(), hub_dir / "checkpoints" / "resnet18-f37072fd.pth")
    model = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1)
    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    tmodel.eval()
    with torch.no_grad():
        expected = tmodel(torch.tensor(x))
    with ember.no_grad():
        assert_same(model.eval()(ember.tensor(x)), expected, atol=1e-4, rtol=1e-4)
    same = models.get_model("resnet18", weights="DEFAULT")
    np.testing.assert_array_equal(same.fc.weight.detach().numpy(), model.fc.weight.detach().numpy())
    with pytest.warns(UserWarning, match="deprecated"):
        legacy = models.resnet18(pretrained=True)
    np.testing.assert_array_equal(legacy.fc.bias.detach().numpy(), model.fc.bias.detach().numpy())
    with pytest.raises(ValueError, match="num_classes"):
        models.resnet18(weights="DEFAULT", num_classes=10)


def test_pretrained_without_network_says_where_to_put_the_file(fast_init, hub_dir, monkeypatch):
    from urllib.error import URLError

    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(ember.hub, "urlopen", offline)
    with pytest.raises(URLError) as err:
        models.squeezenet1_1(weights="DEFAULT")
    assert "squeezenet1_1-b8a52dc0.pth" in str(err.value) and "cache" in str(err.value)


def test_densenet_loads_legacy_checkpoint_keys(fast_init, hub_dir):
    model = models.densenet121()
    state = OrderedDict()
    for k, v in model.state_dict().items():
        # the published files name 'features.denseblock1.denselayer1.norm1.weight' as '...norm.1.weight'
        legacy = k.replace(".norm1.", ".norm.1.").replace(".conv2.", ".conv.2.")
        if legacy.endswith("norm.1.num_batches_tracked"):
            continue  # those old files predate num_batches_tracked
        state[legacy] = torch.full(tuple(v.shape), 0.5) if v.dtype == ember.float32 else torch.tensor(v.numpy())
    (hub_dir / "checkpoints").mkdir()
    torch.save(state, hub_dir / "checkpoints" / "densenet121-a639ec97.pth")
    loaded = models.densenet121(weights="DEFAULT")
    assert float(loaded.features.denseblock1.denselayer1.norm1.weight[0]) == 0.5


def test_googlenet_and_inception_weights_drop_untrained_aux_heads(fast_init, hub_dir):
    (hub_dir / "checkpoints").mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = models.googlenet(aux_logits=True, init_weights=False)
    ember.save(full.state_dict(), str(hub_dir / "checkpoints" / "googlenet-1378be20.pth"))
    g = models.googlenet(weights="DEFAULT")
    assert g.aux1 is None and g.aux_logits is False and g.transform_input is True
    with pytest.warns(UserWarning, match="NOT pretrained"):
        models.googlenet(weights="DEFAULT", aux_logits=True)


def test_intermediate_layer_getter_and_make_divisible(fast_init):
    from ember.vision.models._utils import IntermediateLayerGetter, _make_divisible
    body = IntermediateLayerGetter(models.resnet18(), {"layer1": "feat1", "layer3": "feat3"})
    out = body(ember.rand(1, 3, 32, 32))
    assert list(out) == ["feat1", "feat3"] and tuple(out["feat3"].shape) == (1, 256, 2, 2)
    assert "layer4" not in dict(body.named_children())
    with pytest.raises(ValueError):
        IntermediateLayerGetter(models.resnet18(), {"head": "x"})
    assert [_make_divisible(v, 8) for v in (3, 16 * 0.75, 100, 37.5)] == [8, 16, 104, 40]
