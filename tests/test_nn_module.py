"""nn.Module, Parameter/Buffer, containers, hooks, state dicts, simple layers and nn.utils, against torch."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from conformance import assert_same, check_error

enn = ember.nn
tnn = torch.nn


def sync(em, tm):
    """Copy torch module ``tm``'s parameters and buffers into the ember module ``em``."""
    sd = OrderedDict((k, ember.from_numpy(v.detach().numpy().copy())) for k, v in tm.state_dict().items())
    em.load_state_dict(sd)
    return em


def both(build):
    """Build the same architecture in ember and torch (``build(nn)``), with torch's weights in both."""
    torch.manual_seed(0)
    tm = build(tnn)
    em = build(enn)
    return sync(em, tm), tm


class Net:
    """A nested architecture exercising every registration path (built for either library)."""

    @staticmethod
    def build(nn):
        m = nn.Module
        lib = ember if nn is enn else torch

        class Block(m):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                self.act = nn.ReLU()
                self.register_buffer("running", lib.zeros(4))
                self.register_buffer("scratch", lib.ones(2), persistent=False)
                self.register_parameter("unused", None)
                self.scale = nn.Parameter(lib.ones(1))

            def forward(self, x):
                return self.act(self.fc(x)) * self.scale

        class Top(m):
            def __init__(self):
                super().__init__()
                self.stem = nn.Sequential(OrderedDict(conv=nn.Linear(3, 4), relu=nn.ReLU()))
                self.blocks = nn.ModuleList([Block(), Block()])
                self.heads = nn.ModuleDict({"b": nn.Linear(4, 2), "a": nn.Linear(4, 1, bias=False)})
                self.shared = self.heads["b"]
                self.extra = nn.ParameterList([nn.Parameter(lib.zeros(2)), lib.ones(3)])
                self.table = nn.ParameterDict({"w": nn.Parameter(lib.zeros(2, 2))})

            def forward(self, x):
                x = self.stem(x)
                for b in self.blocks:
                    x = b(x)
                return self.heads["b"](x).sum(-1) + self.heads["a"](x).squeeze(-1)

        return Top()


# ----------------------------------------------------------------------------------------------------
# registration and traversal

def test_named_members_match_torch():
    em, tm = both(Net.build)
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in em.named_children()] == [n for n, _ in tm.named_children()]
    assert [n for n, _ in em.named_parameters(prefix="net", recurse=True)] == \
        [n for n, _ in tm.named_parameters(prefix="net")]
    assert [n for n, _ in em.blocks[0].named_parameters(recurse=False)] == \
        [n for n, _ in tm.blocks[0].named_parameters(recurse=False)]
    assert [n for n, _ in em.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in tm.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in em.named_modules(remove_duplicate=False)] == \
        [n for n, _ in tm.named_modules(remove_duplicate=False)]
    assert len(list(em.parameters())) == len(list(tm.parameters()))
    assert len(list(em.modules())) == len(list(tm.modules()))
    assert all(isinstance(p, enn.Parameter) for p in em.parameters())


def test_state_dict_keys_metadata_and_values():
    em, tm = both(Net.build)
    esd, tsd = em.state_dict(), tm.state_dict()
    assert isinstance(esd, OrderedDict)
    assert list(esd) == list(tsd)
    assert esd._metadata == tsd._metadata
    for k in tsd:
        assert not isinstance(esd[k], enn.Parameter) and not esd[k].requires_grad
        np.testing.assert_array_equal(esd[k].numpy(), tsd[k].numpy())
    kept = em.state_dict(keep_vars=True)
    assert isinstance(kept["stem.conv.weight"], enn.Parameter)
    assert kept["stem.conv.weight"] is em.stem.conv.weight
    assert list(em.state_dict(prefix="p.")) == list(tm.state_dict(prefix="p."))
    # the detached entries share storage with the parameters
    assert esd["stem.conv.weight"].data_ptr() == em.stem.conv.weight.data_ptr()


def test_state_dict_positional_args_warn():
    em, tm = both(Net.build)
    with pytest.warns(FutureWarning):
        d = em.state_dict(OrderedDict(), "x.")
    assert list(d) == list(tm.state_dict(prefix="x."))


def test_load_state_dict_results_and_errors():
    em, tm = both(Net.build)
    r = em.load_state_dict(em.state_dict())
    assert repr(r) == repr(tm.load_state_dict(tm.state_dict())) == "<All keys matched successfully>"
    assert r.missing_keys == [] and r.unexpected_keys == []

    def edit(sd, lib):
        sd = OrderedDict(sd)
        del sd["heads.a.weight"]
        sd["bogus.key"] = lib.zeros(1)
        sd["blocks.0.nothere"] = lib.zeros(1)
        return sd

    er = em.load_state_dict(edit(em.state_dict(), ember), strict=False)
    tr = tm.load_state_dict(edit(tm.state_dict(), torch), strict=False)
    assert er.missing_keys == tr.missing_keys and er.unexpected_keys == tr.unexpected_keys
    assert repr(er) == repr(tr)
    with pytest.raises(RuntimeError) as ee:
        em.load_state_dict(edit(em.state_dict(), ember))
    with pytest.raises(RuntimeError) as te:
        tm.load_state_dict(edit(tm.state_dict(), torch))
    assert str(ee.value) == str(te.value)

    def wrong_shape(sd, lib):
        sd = OrderedDict(sd)
        sd["stem.conv.bias"] = lib.zeros(5)
        return sd

    with pytest.raises(RuntimeError) as ee:
        em.load_state_dict(wrong_shape(em.state_dict(), ember))
    with pytest.raises(RuntimeError) as te:
        tm.load_state_dict(wrong_shape(tm.state_dict(), torch))
    assert str(ee.value) == str(te.value)
    with pytest.raises(TypeError):
        em.load_state_dict([1, 2])


def test_load_state_dict_copies_in_place_and_assign():
    em = enn.Linear(3, 2)
    w = em.weight
    sd = {"weight": ember.ones(2, 3), "bias": ember.zeros(2)}
    em.load_state_dict(sd)
    assert em.weight is w and em.weight.requires_grad
    np.testing.assert_array_equal(em.weight.detach().numpy(), np.ones((2, 3), np.float32))
    src = ember.full((2, 3), 2.0)
    em.load_state_dict({"weight": src, "bias": ember.zeros(2)}, assign=True)
    assert em.weight is not w and isinstance(em.weight, enn.Parameter) and em.weight.requires_grad
    assert em.weight.data_ptr() == src.data_ptr()
    # a (1,) entry loads into a 0-d parameter
    m = enn.Module()
    m.p = enn.Parameter(ember.tensor(0.0))
    m.load_state_dict({"p": ember.tensor([3.0])})
    assert m.p.item() == 3.0


def test_load_state_dict_post_hook_and_state_dict_hooks():
    for nn in (enn, tnn):
        m = nn.Linear(2, 2)
        seen = []
        m.register_load_state_dict_post_hook(lambda mod, keys: seen.append((type(mod).__name__, list(keys.missing_keys))))
        m.load_state_dict({"weight": m.weight.detach()}, strict=False)
        assert seen == [("Linear", ["bias"])]
        m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: seen.append(("pre", prefix)))
        h = m._register_state_dict_hook(lambda mod, sd, prefix, meta: OrderedDict(only=1))
        assert m.state_dict() == OrderedDict(only=1)
        h.remove()
        assert list(m.state_dict()) == ["weight", "bias"]
        assert seen[-1] == ("pre", "")
        m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: 1)
        with pytest.raises(RuntimeError, match="must return None"):
            m.state_dict()


def test_load_state_dict_pre_hook_gets_module():
    for nn in (enn, tnn):
        m = nn.Linear(2, 2)
        seen = []
        m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *rest: seen.append((mod is m, prefix, len(rest))))
        m.load_state_dict(m.state_dict())
        assert seen == [(True, "", 5)]


def test_extra_state_round_trip():
    for nn in (enn, tnn):
        class WithExtra(nn.Module):
            def __init__(self):
                super().__init__()
                self.value = 1

            def get_extra_state(self):
                return {"value": self.value}

            def set_extra_state(self, state):
                self.value = state["value"]

        a, b = WithExtra(), WithExtra()
        a.value = 7
        sd = a.state_dict()
        assert list(sd) == ["_extra_state"]
        b.load_state_dict(sd)
        assert b.value == 7
        with pytest.raises(RuntimeError, match='Missing key'):
            b.load_state_dict({})


def test_setattr_routing_and_errors():
    m = enn.Module()
    m.w = enn.Parameter(ember.ones(2))
    assert "w" in m._parameters and "w" not in m.__dict__
    m.b = enn.Buffer(ember.zeros(2))
    assert "b" in m._buffers and "b" not in m._non_persistent_buffers_set
    m.nb = enn.Buffer(ember.zeros(2), persistent=False)
    assert "nb" in m._non_persistent_buffers_set
    m.sub = enn.Linear(1, 1)
    assert "sub" in m._modules
    m.b = ember.ones(3)  # reassigning a buffer name with a plain tensor keeps it a buffer
    assert m._buffers["b"].shape == (3,)
    m.w = None
    assert m._parameters["w"] is None and m.w is None
    m.sub = None
    assert m.sub is None
    m.plain = 3
    assert m.__dict__["plain"] == 3
    # replacing a plain attribute with a module moves it
    m.plain = enn.ReLU()
    assert "plain" in m._modules and "plain" not in m.__dict__
    del m.plain
    assert "plain" not in m._modules
    del m.b
    assert "b" not in m._buffers
    with pytest.raises(AttributeError, match="object has no attribute 'nothing'"):
        m.nothing

    def errs(nn, lib):
        mod = nn.Linear(2, 2)
        return [lambda: setattr(mod, "weight", lib.ones(2, 2)),
                lambda: setattr(mod, "bias", 3),
                lambda: mod.register_parameter("a.b", None),
                lambda: mod.register_parameter("", None),
                lambda: mod.register_parameter("training", None),
                lambda: mod.register_parameter("p", lib.ones(1)),
                lambda: mod.register_parameter("p", nn.Parameter(lib.ones(1)) * 2),
                lambda: mod.register_buffer("x.y", None),
                lambda: mod.register_buffer("bb", 5),
                lambda: mod.register_buffer("weight", lib.ones(1)),
                lambda: mod.add_module("x.y", nn.ReLU()),
                lambda: mod.add_module("c", 5),
                lambda: mod.add_module("weight", nn.ReLU()),
                lambda: mod.add_module(3, nn.ReLU())]

    for fe, ft in zip(errs(enn, ember), errs(tnn, torch)):
        with pytest.raises(Exception) as te:
            ft()
        with pytest.raises(Exception) as ee:
            fe()
        assert ee.type is te.type and str(ee.value) == str(te.value), (ee.value, te.value)


def test_assign_before_init():
    for nn, lib in ((enn, ember), (tnn, torch)):
        class Bad(nn.Module):
            def __init__(self):
                self.w = nn.Parameter(lib.ones(1))
        with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
            Bad()

        class Bad2(nn.Module):
            def __init__(self):
                self.l = nn.ReLU()
        with pytest.raises(AttributeError, match="cannot assign module before"):
            Bad2()


def test_module_init_rejects_args():
    check_error(lambda m: m.nn.Module(3))
    check_error(lambda m: m.nn.Module(x=3))


def test_get_submodule_parameter_buffer():
    em, tm = both(Net.build)
    assert em.get_submodule("blocks.1.fc") is em.blocks[1].fc
    assert em.get_submodule("") is em
    assert em.get_parameter("blocks.0.fc.weight") is em.blocks[0].fc.weight
    assert em.get_buffer("blocks.0.running") is em.blocks[0]._buffers["running"]
    for target, getter in (("blocks.5", "get_submodule"), ("blocks.0.act.x", "get_submodule"),
                           ("blocks.0.fc.nope", "get_parameter"), ("blocks.0.running", "get_parameter"),
                           ("blocks.0.fc.weight", "get_buffer"), ("stem.conv.bias.x", "get_submodule")):
        with pytest.raises(AttributeError) as te:
            getattr(tm, getter)(target)
        with pytest.raises(AttributeError) as ee:
            getattr(em, getter)(target)
        assert str(ee.value) == str(te.value)
    em.set_submodule("blocks.0.act", enn.Tanh())
    assert isinstance(em.blocks[0].act, enn.Tanh)
    with pytest.raises(AttributeError):
        em.set_submodule("blocks.0.newone", enn.Tanh(), strict=True)
    with pytest.raises(ValueError):
        em.set_submodule("", enn.Tanh())


def test_dir_lists_members():
    em, tm = both(Net.build)
    d = dir(em.blocks[0])
    for name in ("fc", "act", "running", "scale", "forward", "training"):
        assert name in d
    assert not any(k[0].isdigit() for k in dir(em.blocks))
    assert dir(em.blocks[0]) == sorted(d)


# ----------------------------------------------------------------------------------------------------
# printing

def test_repr_matches_torch():
    em, tm = both(Net.build)
    assert repr(em) == repr(tm)
    archs = [
        lambda nn: nn.Sequential(nn.Linear(784, 256), nn.ReLU(inplace=True), nn.Dropout(0.2), nn.Linear(256, 10),
                                 nn.LogSoftmax(dim=1)),
        lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU(), nn.Tanh()]),
        lambda nn: nn.ModuleList(),
        lambda nn: nn.Sequential(),
        lambda nn: nn.Sequential(nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 2))), nn.Identity()),
        lambda nn: nn.Bilinear(3, 4, 5, bias=False),
        lambda nn: nn.ParameterList([nn.Parameter((ember if nn is enn else torch).zeros(2, 3)),
                                     (ember if nn is enn else torch).ones(4).double(), "s"]),
        lambda nn: nn.ParameterDict({"a": nn.Parameter((ember if nn is enn else torch).zeros(2, 3)),
                                     "b": (ember if nn is enn else torch).zeros(1)}),
        lambda nn: nn.ModuleDict({"x": nn.Softmax(dim=-1), "y": nn.GELU(approximate="tanh")}),
    ]
    for build in archs:
        e, t = build(enn), build(tnn)
        assert repr(e) == repr(t)


def test_extra_repr_multiline_and_nesting():
    def build(nn):
        class Multi(nn.Module):
            def extra_repr(self):
                return "line one\n\nline two"

        class Outer(nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = Multi()
                self.seq = nn.Sequential(Multi(), nn.ReLU())

            def extra_repr(self):
                return "k=1"
        return repr(Outer())

    assert build(enn) == build(tnn)


# ----------------------------------------------------------------------------------------------------
# call, hooks

def test_forward_hooks_order_and_results():
    def run(nn, lib):
        log = []
        m = nn.Identity()
        h1 = m.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: (log.append("pre0"), None)[1], prepend=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: (log.append(("prekw", sorted(kwargs))), (args[0] * 2,),
                                                               {})[1:], with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: (log.append("post1"), out + 1)[1])
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(("postkw", float(out.sum()))),
                                with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: log.append("post0"), prepend=True)
        out = m(lib.ones(2))
        h1.remove()
        m(lib.ones(2))
        return log, out.tolist()

    assert run(enn, ember) == run(tnn, torch)


def test_forward_pre_hook_bad_return():
    check_error(lambda m: (lambda mod: (mod.register_forward_pre_hook(lambda mo, a, k: 5, with_kwargs=True),
                                        mod(m.ones(1))))(m.nn.Identity()))


def test_always_call_hook_runs_on_error():
    for nn, lib in ((enn, ember), (tnn, torch)):
        class Boom(nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        m = Boom()
        seen = []
        m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
        m.register_forward_hook(lambda mod, args, out: seen.append("never"))
        with pytest.raises(ValueError):
            m(lib.ones(1))
        assert seen == [None]


def test_global_hooks():
    from ember.nn.modules import module as em_mod
    from torch.nn.modules import module as tm_mod
    for lib, mm, nn in ((ember, em_mod, enn), (torch, tm_mod, tnn)):
        log = []
        h1 = mm.register_module_forward_pre_hook(lambda mod, args: log.append(("gpre", type(mod).__name__)))
        h2 = mm.register_module_forward_hook(lambda mod, args, out: log.append(("gpost", type(mod).__name__)))
        h3 = mm.register_module_module_registration_hook(lambda mod, name, sub: log.append(("reg", name)))
        seq = nn.Sequential(nn.ReLU())
        seq(lib.ones(1))
        for h in (h1, h2, h3):
            h.remove()
        seq(lib.ones(1))
        if lib is ember:
            elog = log
        else:
            assert elog == log


def _backward_hook_log(lib):
    nn = lib.nn
    torch.manual_seed(0)
    log = []

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)
            self.b = nn.Linear(3, 2)

        def forward(self, x, y):
            return self.b(self.a(x) * y), self.a(y)

    m = Two()
    with lib.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(lib.arange(p.numel(), dtype=lib.float32).reshape(p.shape) * 0.1 - i)

    def fmt(gs):
        return [None if g is None else np.round(g.detach().numpy(), 4).tolist() for g in gs]

    def full_hook(name):
        def h(mod, gin, gout):
            log.append((name, "full", fmt(gin), fmt(gout)))
            if name == "a":
                return tuple(None if g is None else g * 0.5 for g in gin)
        return h

    def pre_hook(name):
        def h(mod, gout):
            log.append((name, "pre", fmt(gout)))
        return h

    for name, mod in (("top", m), ("a", m.a), ("b", m.b)):
        mod.register_full_backward_hook(full_hook(name))
        mod.register_full_backward_pre_hook(pre_hook(name))
    x = lib.tensor([[1.0, -2.0, 0.5], [0.3, 0.2, -0.1]], requires_grad=True)
    y = lib.tensor([[0.5, 1.0, -1.0], [2.0, -0.5, 0.1]])
    o1, o2 = m(x, y)
    (o1.sum() + (o2 * o2).sum()).backward()
    log.append(("x.grad", fmt([x.grad])))
    log.append(("grads", fmt([p.grad for p in m.parameters()])))
    return log


def test_full_backward_hooks_match_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = _backward_hook_log(ember), _backward_hook_log(torch)
    assert len(e) == len(t)
    for a, b in zip(e, t):
        assert a == b


def test_backward_hook_modifies_grad_output_and_errors():
    def run(lib):
        nn = lib.nn
        m = nn.Identity()
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 10,))
        x = lib.ones(2, requires_grad=True)
        m(x).sum().backward()
        return x.grad.tolist()

    assert run(ember) == run(torch) == [10.0, 10.0]

    for nn in (enn, tnn):
        m = nn.Identity()
        m.register_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
            m.register_full_backward_hook(lambda *a: None)


def test_backward_hook_when_inputs_do_not_require_grad():
    def run(lib):
        nn = lib.nn
        lin = nn.Linear(2, 2)
        seen = []
        lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, tuple(g.shape for g in go))))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lin(lib.ones(1, 2)).sum().backward()
        return seen, any("no inputs require gradients" in str(x.message) for x in w)

    e, t = run(ember), run(torch)
    assert e == t == ([((None,), (ember.Size([1, 2]),))], True)


def test_hooks_not_called_after_remove_and_handle_context():
    m = enn.Identity()
    seen = []
    with m.register_forward_hook(lambda *a: seen.append(1)):
        m(ember.ones(1))
    m(ember.ones(1))
    assert seen == [1]
    h = m.register_forward_hook(lambda *a: None, with_kwargs=True, always_call=True)
    h.remove()
    assert not m._forward_hooks and not m._forward_hooks_with_kwargs and not m._forward_hooks_always_called


def test_forward_unimplemented():
    check_error(lambda m: m.nn.Module()(1), match_message=True)


# ----------------------------------------------------------------------------------------------------
# modes, conversion, gradients

def test_train_eval_requires_grad_zero_grad():
    em, tm = both(Net.build)
    assert em.training and all(m.training for m in em.modules())
    assert em.eval() is em and not any(m.training for m in em.modules())
    em.train()
    assert all(m.training for m in em.modules())
    check_error(lambda m: m.nn.ReLU().train(1))
    em.requires_grad_(False)
    assert not any(p.requires_grad for p in em.parameters())
    em.requires_grad_()
    out = em(ember.ones(2, 3))
    out.sum().backward()
    assert all(p.grad is not None for n, p in em.named_parameters() if "extra" not in n and "table" not in n)
    em.zero_grad(set_to_none=False)
    assert all(p.grad is None or float(p.grad.abs().sum()) == 0 for p in em.parameters())
    em.zero_grad()
    assert all(p.grad is None for p in em.parameters())


def test_apply_order():
    def run(nn):
        seen = []
        m = nn.Sequential(nn.Sequential(nn.ReLU(), nn.Tanh()), nn.Linear(1, 1))
        assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
        return seen
    assert run(enn) == run(tnn)


def test_to_and_casts_keep_parameter_identity():
    m = enn.Linear(3, 2)
    m.register_buffer("steps", ember.zeros(1, dtype=ember.int64))
    w = m.weight
    m(ember.ones(1, 3)).sum().backward()
    assert m.double() is m
    assert m.weight is w and w.dtype == ember.float64 and w.grad.dtype == ember.float64
    assert m.steps.dtype == ember.int64
    m.float()
    assert w.dtype == ember.float32 and w.grad.dtype == ember.float32
    m.to(ember.float64)
    assert w.dtype == ember.float64 and m.bias.dtype == ember.float64 and m.steps.dtype == ember.int64
    m.to("cpu", ember.float32)
    assert w.dtype == ember.float32
    m.to(ember.zeros(1, dtype=ember.float16))
    assert w.dtype == ember.float16
    m.to(device="cpu", dtype=ember.bfloat16)
    assert w.dtype == ember.bfloat16
    m.half()
    assert w.dtype == ember.float16 and m.steps.dtype == ember.int64
    m.bfloat16()
    assert w.dtype == ember.bfloat16
    m.cpu()
    assert w.requires_grad and isinstance(w, enn.Parameter)
    check_error(lambda mod: mod.nn.Linear(2, 2).to(mod.int64))
    with pytest.warns(UserWarning, match="Complex modules"):
        enn.Linear(2, 2).to(ember.complex64)


def test_to_empty():
    m = enn.Linear(2, 2)
    w = m.weight
    m.to_empty(device="cpu")
    assert m.weight is w and w.shape == (2, 2)


def test_deepcopy_and_pickle_state():
    em, tm = both(Net.build)
    c = copy.deepcopy(em)
    assert repr(c) == repr(em)
    assert [n for n, _ in c.named_parameters()] == [n for n, _ in em.named_parameters()]
    for (n, p), (_, q) in zip(em.named_parameters(), c.named_parameters()):
        assert p is not q and isinstance(q, enn.Parameter)
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    # shared submodules stay shared
    assert c.shared is c.heads["b"]
    st = em.__getstate__()
    assert "_parameters" in st and "_compiled_call_impl" not in st
    fresh = enn.Module.__new__(type(em))
    fresh.__setstate__({k: v for k, v in st.items() if k != "_forward_hooks_always_called"})
    assert fresh._forward_hooks_always_called == OrderedDict()


def test_pickle_module_without_tensors():
    m = enn.Sequential(enn.ReLU(), enn.Softmax(dim=1), enn.Flatten())
    m2 = pickle.loads(pickle.dumps(m))
    assert repr(m2) == repr(m)


def test_compile_runs_eagerly():
    m = enn.Linear(2, 2)
    x = ember.ones(1, 2)
    expected = m(x)
    m.compile()
    assert ember.equal(m(x), expected)


# ----------------------------------------------------------------------------------------------------
# Parameter and Buffer

def test_parameter_basics():
    t = ember.ones(2, 3)
    p = enn.Parameter(t)
    assert isinstance(p, enn.Parameter) and isinstance(p, ember.Tensor)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert p.data_ptr() == t.data_ptr()
    t.add_(1)
    assert p._version == t._version
    assert float(p.sum()) == 12.0
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert repr(p) == "Parameter containing:\n" + repr(torch.nn.Parameter(torch.full((2, 3), 2.0)))[len("Parameter containing:\n"):]
    assert type(p * 2) is ember.Tensor
    assert enn.Parameter(ember.ones(1), requires_grad=False).requires_grad is False
    assert enn.Parameter().shape == (0,)
    x = ember.ones(2, requires_grad=True) * 2
    assert enn.Parameter(x).grad_fn is None
    check_error(lambda m: m.nn.Parameter(m.tensor([1, 2])), match_message=True)
    q = enn.Parameter(ember.tensor([1, 2]), requires_grad=False)
    assert q.dtype == ember.int64


def test_parameter_deepcopy():
    p = enn.Parameter(ember.ones(2))
    p.grad = ember.ones(2)
    q = copy.deepcopy(p)
    assert isinstance(q, enn.Parameter) and q.requires_grad and q.grad is None
    assert q.data_ptr() != p.data_ptr()
    memo = {}
    assert copy.deepcopy([p, p], memo)[0] is copy.deepcopy([p, p], memo)[1]


def test_buffer():
    t = ember.ones(2)
    b = enn.Buffer(t)
    assert isinstance(b, enn.Buffer) and type(b) is ember.Tensor and b.persistent
    assert not isinstance(t, enn.Buffer)
    assert not isinstance(enn.Parameter(t), enn.Buffer)
    assert enn.Buffer(t, persistent=False).persistent is False
    m = enn.Module()
    m.buf = enn.Buffer(ember.ones(1), persistent=False)
    assert list(m.state_dict()) == [] and [n for n, _ in m.named_buffers()] == ["buf"]


# ----------------------------------------------------------------------------------------------------
# containers

def test_sequential_ops():
    def run(nn):
        a, b, c, d = nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Identity()
        s = nn.Sequential(a, b, c)
        out = [len(s), s[0] is a, s[-1] is c, type(s[1:]).__name__, list(s[1:]) == [b, c], list(s[::-1]) == [c, b, a]]
        s.append(d)
        out.append(list(s._modules))
        s.insert(1, nn.ELU())
        out.append([type(x).__name__ for x in s])
        s.insert(-1, nn.SELU())
        out.append([type(x).__name__ for x in s])
        del s[0]
        out.append(list(s._modules))
        del s[1:3]
        out.append([type(x).__name__ for x in s])
        out.append(type(s.pop(0)).__name__)
        s.extend([nn.ReLU(), nn.ReLU()])
        out.append(len(s))
        s[0] = nn.GELU()
        out.append(type(s[0]).__name__)
        t = s + nn.Sequential(nn.Tanh())
        out.append([type(x).__name__ for x in t])
        s += nn.Sequential(nn.Softsign())
        out.append(len(s))
        out.append(len(s * 2))
        out.append(len(2 * s))
        s *= 2
        out.append(list(s._modules))
        out.append(repr(s))
        return out

    assert run(enn) == run(tnn)
    for bad in (lambda m: m.nn.Sequential(m.nn.ReLU())[3], lambda m: m.nn.Sequential(m.nn.ReLU()) + 1,
                lambda m: m.nn.Sequential(m.nn.ReLU()) * 0, lambda m: m.nn.Sequential(m.nn.ReLU()) * 1.5,
                lambda m: m.nn.Sequential().insert(3, m.nn.ReLU()), lambda m: m.nn.Sequential().insert(0, 1),
                lambda m: m.nn.Sequential(m.nn.ReLU())["a"]):
        check_error(bad)


def test_sequential_forward_and_ordered_dict():
    em, tm = both(lambda nn: nn.Sequential(OrderedDict([("fc1", nn.Linear(3, 5)), ("act", nn.Tanh()),
                                                        ("fc2", nn.Linear(5, 2))])))
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    assert_same(em(ember.from_numpy(x)), tm(torch.from_numpy(x)))
    assert em.fc1 is em[0] and list(em._modules) == ["fc1", "act", "fc2"]
    assert type(em[0:2]) is enn.Sequential and list(em[0:2]._modules) == ["fc1", "act"]


def test_module_list_ops():
    def run(nn):
        ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        out = [len(ml), type(ml[-1]).__name__, type(ml[0:1]).__name__]
        ml.append(nn.Sigmoid())
        ml.extend([nn.ELU()])
        ml += [nn.SELU()]
        ml.insert(1, nn.GELU())
        out.append([type(x).__name__ for x in ml])
        del ml[0]
        del ml[::2]
        out.append([type(x).__name__ for x in ml])
        out.append(list(ml._modules))
        out.append(type(ml.pop(-1)).__name__)
        ml[0] = nn.Softsign()
        out.append(repr(ml + nn.ModuleList([nn.Tanh()])))
        return out

    assert run(enn) == run(tnn)
    check_error(lambda m: m.nn.ModuleList([m.nn.ReLU()])[2])
    check_error(lambda m: m.nn.ModuleList().extend(5))
    check_error(lambda m: m.nn.ModuleList([5]))


def test_module_dict_ops():
    def run(nn):
        md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
        out = [list(md), list(md.keys()), "a" in md, len(md)]
        md["c"] = nn.Sigmoid()
        md.update([("d", nn.ELU())])
        md.update(OrderedDict(e=nn.SELU()))
        out.append(list(md))
        out.append(type(md.pop("b")).__name__)
        del md["a"]
        out.append([(k, type(v).__name__) for k, v in md.items()])
        out.append([type(v).__name__ for v in md.values()])
        out.append(repr(md))
        md.clear()
        out.append(len(md))
        return out

    assert run(enn) == run(tnn)
    check_error(lambda m: m.nn.ModuleDict().update(5))
    check_error(lambda m: m.nn.ModuleDict().update([("a", m.nn.ReLU(), 1)]))
    check_error(lambda m: m.nn.ModuleDict().update([5]))


def test_parameter_list_and_dict():
    def run(nn, lib):
        pl = nn.ParameterList([lib.ones(2), nn.Parameter(lib.zeros(3))])
        out = [len(pl), isinstance(pl[0], nn.Parameter), list(pl._parameters), [tuple(p.shape) for p in pl]]
        pl.append(lib.ones(1))
        pl.extend([lib.zeros(2, 2)])
        pl[0] = lib.full((2,), 5.0)
        out.append([tuple(p.shape) for p in pl[1:3]])
        out.append(float(pl[0].sum()))
        out.append([n for n, _ in pl.named_parameters()])
        out.append(repr(pl))
        pd = nn.ParameterDict({"z": lib.ones(1), "a": lib.zeros(2)})
        out.append(list(pd))
        pd["m"] = nn.Parameter(lib.ones(3))
        pd.update([("q", lib.ones(1))])
        out.append(list(pd.keys()))
        out.append("m" in pd)
        out.append(tuple(pd.pop("m").shape))
        out.append(pd.get("nope", 7))
        out.append(pd.setdefault("s", lib.zeros(1)).shape == (1,))
        k, v = pd.popitem()
        out.append(k)
        out.append(list(reversed(pd)))
        out.append(list((pd | nn.ParameterDict({"n": lib.ones(1)})).keys()))
        out.append(list(pd.copy().keys()))
        out.append(list(pd.fromkeys(["x", "y"], None).keys()))
        out.append([n for n, _ in pd.named_parameters()])
        out.append(repr(pd))
        pd.clear()
        out.append(len(pd))
        return out

    e, t = run(enn, ember), run(tnn, torch)
    assert e == t
    check_error(lambda m: m.nn.ParameterList()(1))
    check_error(lambda m: m.nn.ParameterDict()(1))
    check_error(lambda m: m.nn.ParameterDict()[1])
    check_error(lambda m: m.nn.ParameterList().extend(m.ones(2)))


def test_container_deprecated():
    with pytest.warns(FutureWarning):
        c = enn.Container(a=enn.ReLU())
    assert list(c._modules) == ["a"]


# ----------------------------------------------------------------------------------------------------
# simple layers

@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3), (0, 3), (2, 1, 2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward(shape, bias):
    em, tm = both(lambda nn: nn.Linear(3, 4, bias=bias))
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    xe, xt = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    ye, yt = em(xe), tm(xt)
    assert_same(ye, yt)
    g = np.random.default_rng(2).standard_normal(tuple(yt.shape)).astype(np.float32)
    ye.backward(ember.from_numpy(g))
    yt.backward(torch.from_numpy(g))
    assert_same(xe.grad, xt.grad, atol=1e-5)
    for (n, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
        assert_same(pe.grad, pt.grad, atol=1e-4)


def test_linear_grad_fn_names_and_noncontiguous():
    lin = enn.Linear(3, 4)
    assert lin(ember.ones(2, 3)).grad_fn.name() == "AddmmBackward0"
    assert enn.Linear(3, 4, bias=False)(ember.ones(2, 3)).grad_fn.name() == "MmBackward0"
    assert lin(ember.ones(5, 2, 3)).shape == (5, 2, 4)
    x = np.random.default_rng(3).standard_normal((3, 5)).astype(np.float32)
    em, tm = both(lambda nn: nn.Linear(3, 2))
    assert_same(em(ember.from_numpy(x).t()), tm(torch.from_numpy(x).t()))


def test_linear_functional_cases_and_errors():
    from conformance import check
    check(lambda m, x, w: m.nn.functional.linear(x, w), [(2, 5, 3), (3,)], grad=True)
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(3,), (3,), ()], grad=True)
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(5, 2, 3), (4, 3), (2, 4)], grad=True)
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 3), (4, 3), (1,)], grad=True)
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 3), (4, 3), (2, 4)], grad=True)
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(2, 0), (4, 0), (4,)], grad=True)
    for f in (lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(5)),
              lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 5)),
              lambda m: m.nn.functional.linear(m.ones(7, 2, 3), m.ones(4, 5)),
              lambda m: m.nn.functional.linear(m.ones(3), m.ones(4, 5)),
              lambda m: m.nn.functional.linear(m.ones(()), m.ones(4, 3)),
              lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(3), m.ones(())),
              lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3, 1)),
              lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3).double()),
              lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(4).double())):
        check_error(f, match_message=True)


def test_linear_dtypes_and_gradcheck():
    from conformance import check
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(4, 3), (2, 3), (2,)], dtype=np.float64, grad=True)
    for dt in ("float16", "bfloat16"):
        x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
        xe = ember.from_numpy(x).to(getattr(ember, dt))
        xt = torch.from_numpy(x).to(getattr(torch, dt))
        we = ember.from_numpy(x[:2].copy()).to(getattr(ember, dt))
        wt = torch.from_numpy(x[:2].copy()).to(getattr(torch, dt))
        assert_same(ember.nn.functional.linear(xe, we), torch.nn.functional.linear(xt, wt), atol=2e-2, rtol=2e-2)
    xi = ember.tensor([[1, 2], [3, 4]])
    assert ember.nn.functional.linear(xi, xi).tolist() == torch.nn.functional.linear(
        torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 2], [3, 4]])).tolist()


def test_linear_double_backward():
    x = np.random.default_rng(4).standard_normal((2, 3))
    w = np.random.default_rng(5).standard_normal((4, 3))
    res = []
    for lib in (ember, torch):
        xe = lib.tensor(x, requires_grad=True)
        we = lib.tensor(w, requires_grad=True)
        y = (lib.nn.functional.linear(xe, we) ** 2).sum()
        gx, = lib.autograd.grad(y, xe, create_graph=True)
        gw, = lib.autograd.grad(gx.sum(), we)
        res.append((gx.detach().numpy(), gw.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10)


def test_bilinear():
    from conformance import check
    check(lambda m, a, b, w, c: m.nn.functional.bilinear(a, b, w, c), [(2, 3), (2, 5), (4, 3, 5), (4,)], grad=True)
    check(lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), [(6, 2, 3), (6, 2, 5), (4, 3, 5)], grad=True)
    check(lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), [(3,), (5,), (4, 3, 5)], grad=True)
    for f in (lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(3, 5), m.ones(4, 3, 5)),
              lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 6), m.ones(4, 3, 5)),
              lambda m: m.nn.functional.bilinear(m.ones(2, 4), m.ones(2, 5), m.ones(4, 3, 5)),
              lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 5), m.ones(4, 3, 5), m.ones(3)),
              lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 2, 5), m.ones(4, 3, 5)),
              lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 5), m.ones(3, 5))):
        check_error(f, match_message=True)
    em, tm = both(lambda nn: nn.Bilinear(3, 5, 4))
    a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    assert_same(em(ember.from_numpy(a), ember.from_numpy(b)), tm(torch.from_numpy(a), torch.from_numpy(b)))
    check_error(lambda m: m.nn.Bilinear(0, 2, 2))


def test_identity_flatten_unflatten():
    from conformance import check
    x = ember.ones(2)
    assert enn.Identity(3, k=4)(x) is x
    check(lambda m, x: m.nn.Flatten()(x), [(2, 3, 4)], view=True)
    check(lambda m, x: m.nn.Flatten(0, 1)(x), [(2, 3, 4)], view=True)
    check(lambda m, x: m.nn.Unflatten(1, (2, 2))(x), [(3, 4)], view=True)
    check(lambda m, x: m.nn.Unflatten(-1, [2, -1])(x), [(3, 4)], view=True)
    check_error(lambda m: m.nn.Unflatten(1, 4), match_message=True)
    check_error(lambda m: m.nn.Unflatten(1, (2, 2.0)), match_message=True)


def test_lazy_linear():
    m = enn.LazyLinear(4)
    assert m.has_uninitialized_params() and repr(m.weight) == "<UninitializedParameter>"
    assert isinstance(m.weight, enn.parameter.UninitializedParameter)
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        m.weight.shape
    y = m(ember.ones(2, 3))
    assert type(m) is enn.Linear and m.in_features == 3 and y.shape == (2, 4)
    assert type(m.weight) is enn.Parameter and m.weight.shape == (4, 3)
    assert repr(m) == "Linear(in_features=3, out_features=4, bias=True)"
    # load_state_dict materialises
    m2 = enn.LazyLinear(4)
    m2.load_state_dict(m.state_dict())
    assert ember.equal(m2.weight, m.weight)
    m3 = enn.LazyLinear(2, bias=False).double()
    assert m3.weight.dtype == ember.float64
    m3(ember.ones(1, 5, dtype=ember.float64))
    assert m3.weight.shape == (2, 5) and m3.weight.dtype == ember.float64


def test_factory_kwargs_and_dtype_layers():
    m = enn.Linear(2, 3, dtype=ember.float64)
    assert m.weight.dtype == ember.float64 and m.bias.dtype == ember.float64
    assert enn.factory_kwargs({"dtype": ember.float64, "factory_kwargs": {"device": "cpu"}}) == \
        {"dtype": ember.float64, "device": "cpu"}
    with pytest.raises(TypeError):
        enn.factory_kwargs({"dtype": ember.float64, "factory_kwargs": {"dtype": ember.float64}})
    with pytest.raises(TypeError):
        enn.factory_kwargs({"bogus": 1})


# ----------------------------------------------------------------------------------------------------
# nn.utils

def _grads(lib, seed=0):
    rng = np.random.default_rng(seed)
    ps = []
    for shape in ((3, 4), (5,), ()):
        p = lib.nn.Parameter(lib.from_numpy(np.asarray(rng.standard_normal(shape), np.float32)))
        p.grad = lib.from_numpy(np.asarray(rng.standard_normal(shape) * 3, np.float32))
        ps.append(p)
    ps.append(lib.nn.Parameter(lib.ones(2)))  # no grad
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf")])
def test_clip_grad_norm(norm_type):
    pe, pt = _grads(ember), _grads(torch)
    ne = enn.utils.clip_grad_norm_(pe, 1.5, norm_type)
    nt = tnn.utils.clip_grad_norm_(pt, 1.5, norm_type)
    assert_same(ne, nt, rtol=1e-5)
    for a, b in zip(pe, pt):
        if b.grad is not None:
            assert_same(a.grad, b.grad, rtol=1e-5)
    # large max_norm leaves grads untouched
    pe, pt = _grads(ember), _grads(torch)
    enn.utils.clip_grad_norm_(pe, 1e6, norm_type)
    for a, b in zip(pe, pt):
        if b.grad is not None:
            assert_same(a.grad, b.grad, rtol=1e-6)


def test_clip_grad_misc():
    assert_same(enn.utils.get_total_norm([ember.ones(3), ember.ones(4)]),
                tnn.utils.get_total_norm([torch.ones(3), torch.ones(4)]))
    assert_same(enn.utils.clip_grad_norm_([], 1.0), tnn.utils.clip_grad_norm_([], 1.0))
    p = enn.Parameter(ember.ones(2))
    p.grad = ember.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        enn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    with pytest.warns(UserWarning, match="empty generator"):
        enn.utils.clip_grad_norm_((q for q in []), 1.0)
    pe, pt = _grads(ember), _grads(torch)
    enn.utils.clip_grad_value_(pe, 0.5)
    tnn.utils.clip_grad_value_(pt, 0.5)
    for a, b in zip(pe, pt):
        if b.grad is not None:
            assert_same(a.grad, b.grad)
    single = enn.Parameter(ember.ones(2))
    single.grad = ember.full((2,), 4.0)
    enn.utils.clip_grad_value_(single, 1)
    assert single.grad.tolist() == [1.0, 1.0]


def test_parameters_vector_round_trip():
    em, tm = both(lambda nn: nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)))
    ve = enn.utils.parameters_to_vector(em.parameters())
    vt = tnn.utils.parameters_to_vector(tm.parameters())
    assert_same(ve, vt)
    assert ve.grad_fn is not None
    new = ember.arange(ve.numel(), dtype=ember.float32)
    enn.utils.vector_to_parameters(new, em.parameters())
    tnn.utils.vector_to_parameters(torch.arange(vt.numel(), dtype=torch.float32), tm.parameters())
    for a, b in zip(em.parameters(), tm.parameters()):
        assert_same(a, b)
    check_error(lambda m: m.nn.utils.vector_to_parameters([1.0], []), match_message=True)


def test_uninitialized_buffer_and_is_lazy():
    b = enn.UninitializedBuffer(persistent=False)
    assert enn.parameter.is_lazy(b) and isinstance(b, enn.Buffer) and b.persistent is False
    assert repr(b) == "<UninitializedBuffer>"
    b.materialize((2, 3), dtype=ember.float64)
    assert type(b) is ember.Tensor and b.shape == (2, 3) and b.dtype == ember.float64
    assert not enn.parameter.is_lazy(b)
    p = enn.UninitializedParameter(requires_grad=False)
    q = copy.deepcopy(p)
    assert type(q) is enn.UninitializedParameter and not q.requires_grad
    p.materialize(4)
    assert type(p) is enn.Parameter and p.shape == (4,)


def test_non_full_backward_hook_sees_addmm_inputs():
    def run(lib):
        m = lib.nn.Linear(2, 2)
        log = []
        m.register_backward_hook(lambda mod, gi, go: log.append(
            ([None if g is None else tuple(g.shape) for g in gi], [tuple(g.shape) for g in go])))
        m(lib.ones(3, 2, requires_grad=True)).sum().backward()
        return log

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert run(ember) == run(torch) == [([(2,), (3, 2), (2, 2)], [(3, 2)])]
