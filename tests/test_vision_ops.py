"""ember.vision.ops against torchvision's documented semantics.

torchvision's compiled kernels (nms, roi_align, roi_pool, deform_conv2d) are not installable here, so each is
checked against a direct loop transcription of its CPU kernel written in this file (float64 NumPy), and
gradients with gradcheck; the pure-Python parts (box ops, focal loss, layers) against the same code in torch.
"""
import math

import numpy as np
import pytest
import torch

import ember
from ember.vision import ops
from conformance import assert_same


def E(a, **kw):
    return ember.tensor(np.asarray(a), **kw)


def T(a, **kw):
    return torch.tensor(np.asarray(a), **kw)


def _boxes(n, seed, scale=20.0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, scale, (n, 2))
    wh = rng.uniform(1, scale / 2, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(dtype)


# ----------------------------------------------------------------------------------------------------
# boxes

def _t_area(b):
    return (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])


def _t_inter_union(b1, b2):
    lt = torch.max(b1[..., None, :2], b2[..., None, :, :2])
    rb = torch.min(b1[..., None, 2:], b2[..., None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, _t_area(b1)[..., None] + _t_area(b2)[..., None, :] - inter


def _t_iou(b1, b2):
    inter, union = _t_inter_union(b1, b2)
    return inter / union


def _t_giou(b1, b2):
    inter, union = _t_inter_union(b1, b2)
    iou = inter / union
    lti = torch.min(b1[..., None, :2], b2[..., None, :, :2])
    rbi = torch.max(b1[..., None, 2:], b2[..., None, :, 2:])
    whi = (rbi - lti).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    return iou - (areai - union) / areai


def _t_diou_iou(b1, b2, eps=1e-7):
    iou = _t_iou(b1, b2)
    lti = torch.min(b1[..., None, :2], b2[..., None, :, :2])
    rbi = torch.max(b1[..., None, 2:], b2[..., None, :, 2:])
    whi = (rbi - lti).clamp(min=0)
    diag = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps
    xp, yp = (b1[..., 0] + b1[..., 2]) / 2, (b1[..., 1] + b1[..., 3]) / 2
    xg, yg = (b2[..., 0] + b2[..., 2]) / 2, (b2[..., 1] + b2[..., 3]) / 2
    cd = (xp[..., None] - xg[..., None, :]) ** 2 + (yp[..., None] - yg[..., None, :]) ** 2
    return iou - cd / diag, iou


def _t_ciou(b1, b2, eps=1e-7):
    diou, iou = _t_diou_iou(b1, b2, eps)
    wp, hp = b1[..., None, 2] - b1[..., None, 0], b1[..., None, 3] - b1[..., None, 1]
    wg, hg = b2[..., None, :, 2] - b2[..., None, :, 0], b2[..., None, :, 3] - b2[..., None, :, 1]
    v = (4 / (math.pi ** 2)) * torch.pow(torch.atan(wp / hp) - torch.atan(wg / hg), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


@pytest.mark.parametrize("name,ref", [("box_iou", _t_iou), ("generalized_box_iou", _t_giou),
                                      ("distance_box_iou", lambda a, b: _t_diou_iou(a, b)[0]),
                                      ("complete_box_iou", _t_ciou)])
def test_pairwise_ious_match_torch_with_gradients(name, ref):
    b1, b2 = _boxes(5, 0, dtype=np.float64), _boxes(4, 1, dtype=np.float64)
    e1, e2 = E(b1, requires_grad=True), E(b2, requires_grad=True)
    t1, t2 = T(b1, requires_grad=True), T(b2, requires_grad=True)
    eo, to = getattr(ops, name)(e1, e2), ref(t1, t2)
    assert_same(eo, to, atol=1e-12, rtol=1e-10)
    eo.sum().backward()
    to.sum().backward()
    assert_same(e1.grad, t1.grad, atol=1e-10, rtol=1e-8)
    assert_same(e2.grad, t2.grad, atol=1e-10, rtol=1e-8)


def test_box_iou_formats_batched_and_area():
    b1, b2 = _boxes(3, 2), _boxes(6, 3)
    expected = _t_iou(T(b1), T(b2))
    for fmt in ("xywh", "cxcywh"):
        c1 = ops.box_convert(E(b1), "xyxy", fmt)
        c2 = ops.box_convert(E(b2), "xyxy", fmt)
        assert_same(ops.box_iou(c1, c2, fmt=fmt), expected, atol=1e-5)
        assert_same(ops.box_area(c1, fmt=fmt), _t_area(T(b1)), atol=1e-4)
    batched = np.stack([b1, b1 + 1])
    out = ops.box_iou(E(batched), E(b2))
    assert tuple(out.shape) == (2, 3, 6)
    assert_same(out[1], _t_iou(T(b1 + 1), T(b2)))
    # integer boxes are upcast (int16 -> int32), as torchvision's _upcast
    ib = (b1 * 10).astype(np.int16)
    assert ops.box_area(E(ib)).dtype == ember.int32
    with pytest.raises(ValueError):
        ops.box_area(E(b1), fmt="xyxyxyxy")
    with pytest.raises(NotImplementedError):
        ops.box_iou(E(np.zeros((1, 5), np.float32)), E(np.zeros((1, 5), np.float32)), fmt="cxcywhr")
    with pytest.raises(ValueError):
        ops.box_iou(E(b1), E(b2), fmt="abc")


def test_box_convert_round_trips_and_values():
    b = _boxes(7, 4, dtype=np.float64)
    x1, y1, x2, y2 = b.T
    expected = {"xywh": np.stack([x1, y1, x2 - x1, y2 - y1], 1),
                "cxcywh": np.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], 1)}
    for fmt, ref in expected.items():
        out = ops.box_convert(E(b), "xyxy", fmt)
        np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
        np.testing.assert_allclose(ops.box_convert(out, fmt, "xyxy").numpy(), b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ops.box_convert(ops.box_convert(E(b), "xyxy", "xywh"), "xywh", "cxcywh").numpy(),
                               expected["cxcywh"], rtol=1e-12)
    same = E(b)
    assert ops.box_convert(same, "xyxy", "xyxy") is not same
    # rotated: a 90 degree box turns width into height
    r = ops.box_convert(E([[10.0, 10.0, 4.0, 2.0, 90.0]]), "cxcywhr", "xyxyxyxy").numpy()[0]
    np.testing.assert_allclose(r, [9, 12, 9, 8, 11, 8, 11, 12], atol=1e-9)
    back = ops.box_convert(E(r[None]), "xyxyxyxy", "cxcywhr").numpy()[0]
    np.testing.assert_allclose(back, [10, 10, 4, 2, 90], atol=1e-9)
    with pytest.raises(ValueError):
        ops.box_convert(E(b), "xyxy", "xy")


def test_clip_and_remove_small_boxes():
    b = np.array([[-3, 2, 50, 8], [1, -1, 4, 40], [2, 2, 2.5, 9]], np.float32)
    out = ops.clip_boxes_to_image(E(b), (30, 40))
    np.testing.assert_array_equal(out.numpy(), [[0, 2, 40, 8], [1, 0, 4, 30], [2, 2, 2.5, 9]])
    keep = ops.remove_small_boxes(E(b), 1.0)
    assert keep.dtype == ember.int64 and keep.tolist() == [0, 1]
    masks = np.zeros((3, 5, 6), bool)
    masks[0, 1:3, 2:5] = True
    masks[1, 4, 0] = True
    boxes = ops.masks_to_boxes(E(masks))
    np.testing.assert_array_equal(boxes.numpy(), [[2, 1, 4, 2], [0, 4, 0, 4], [0, 0, 0, 0]])


def _nms_reference(boxes, scores, thr):
    """torchvision's CPU kernel, element by element."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])  # Python's sort is stable
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = [False] * len(scores)
    keep = []
    for a, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        for j in order[a + 1:]:
            if suppressed[j]:
                continue
            w = max(np.float32(0), min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0]))
            h = max(np.float32(0), min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1]))
            inter = w * h
            if inter / (areas[i] + areas[j] - inter) > thr:
                suppressed[j] = True
    return keep


@pytest.mark.parametrize("thr", [0.0, 0.3, 0.5, 0.9])
def test_nms_matches_reference(thr):
    b = _boxes(60, 5)
    rng = np.random.default_rng(6)
    s = rng.integers(0, 10, 60).astype(np.float32) / 10  # many ties: the sort must be stable
    keep = ops.nms(E(b), E(s), thr)
    assert keep.dtype == ember.int64
    assert keep.tolist() == _nms_reference(b, s, np.float32(thr))


def test_nms_edge_cases_and_errors():
    assert ops.nms(E(np.zeros((0, 4), np.float32)), E(np.zeros(0, np.float32)), 0.5).tolist() == []
    # IoU exactly at the threshold is kept (strict '>')
    b = E([[0, 0, 2, 1], [1, 0, 3, 1]], dtype=ember.float32)  # IoU 1/3
    assert ops.nms(b, E([1.0, 0.5]), 1 / 3).tolist() == [0, 1]
    assert ops.nms(b, E([1.0, 0.5]), 0.3).tolist() == [0]
    with pytest.raises(RuntimeError):
        ops.nms(E(np.zeros((3, 5), np.float32)), E(np.zeros(3, np.float32)), 0.5)
    with pytest.raises(RuntimeError):
        ops.nms(E(np.zeros((3, 4), np.float32)), E(np.zeros(2, np.float32)), 0.5)


@pytest.mark.parametrize("n", [40, 1200])  # coordinate-trick path, and the per-class path (> 4000 numbers)
def test_batched_nms_never_crosses_categories(n):
    b = _boxes(n, 7)
    rng = np.random.default_rng(8)
    s = rng.random(n).astype(np.float32)
    idx = rng.integers(0, 3, n)
    keep = ops.batched_nms(E(b), E(s), E(idx), 0.4).tolist()
    expected = []
    for c in range(3):
        sel = np.nonzero(idx == c)[0]
        expected += [int(sel[k]) for k in _nms_reference(b[sel], s[sel], np.float32(0.4))]
    assert sorted(keep) == sorted(expected)
    assert list(s[keep]) == sorted(s[keep], reverse=True)


# ----------------------------------------------------------------------------------------------------
# RoI ops: loop transcriptions of torchvision's CPU kernels

def _roi_align_reference(x, rois, ph_, pw_, scale, sampling_ratio, aligned):
    n, c, height, width = x.shape
    out = np.zeros((len(rois), c, ph_, pw_))
    for k, r in enumerate(rois):
        b = int(r[0])
        off = 0.5 if aligned else 0.0
        sw, sh, ew, eh = r[1] * scale - off, r[2] * scale - off, r[3] * scale - off, r[4] * scale - off
        rw, rh = ew - sw, eh - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph_, rw / pw_
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph_)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw_)
        count = max(gh * gw, 1)
        for ph in range(ph_):
            for pw in range(pw_):
                acc = np.zeros(c)
                for iy in range(gh):
                    y = sh + ph * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        xx = sw + pw * bw + (ix + 0.5) * bw / gw
                        if y < -1.0 or y > height or xx < -1.0 or xx > width:
                            continue
                        yy, xv = max(y, 0.0), max(xx, 0.0)
                        yl, xl = int(yy), int(xv)
                        if yl >= height - 1:
                            yh = yl = height - 1
                            yy = float(yl)
                        else:
                            yh = yl + 1
                        if xl >= width - 1:
                            xh = xl = width - 1
                            xv = float(xl)
                        else:
                            xh = xl + 1
                        ly, lx = yy - yl, xv - xl
                        hy, hx = 1 - ly, 1 - lx
                        acc += (hy * hx * x[b, :, yl, xl] + hy * lx * x[b, :, yl, xh] + ly * hx * x[b, :, yh, xl]
                                + ly * lx * x[b, :, yh, xh])
                out[k, :, ph, pw] = acc / count
    return out


_ROIS = np.array([[0, 1.3, 0.7, 6.2, 5.9], [1, -2.0, -1.5, 3.0, 12.0], [0, 4.0, 4.0, 4.2, 4.1],
                  [1, 7.5, 0.0, 30.0, 3.0], [0, 0.0, 0.0, 9.0, 8.0]])


@pytest.mark.parametrize("sampling_ratio,aligned,scale,size", [(-1, False, 1.0, (3, 3)), (2, False, 0.5, (2, 4)),
                                                               (-1, True, 1.0, (4, 2)), (0, True, 1.5, (1, 1))])
def test_roi_align_matches_kernel_reference(sampling_ratio, aligned, scale, size):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 9, 10))
    out = ops.roi_align(E(x), E(_ROIS), size, scale, sampling_ratio, aligned)
    ref = _roi_align_reference(x, _ROIS, size[0], size[1], scale, sampling_ratio, aligned)
    assert out.dtype == ember.float64 and tuple(out.shape) == ref.shape
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10, atol=1e-12)
    # float32 follows the same sampling (coordinates in float32), within rounding
    out32 = ops.roi_align(E(x.astype(np.float32)), E(_ROIS.astype(np.float32)), size, scale, sampling_ratio, aligned)
    assert out32.dtype == ember.float32
    np.testing.assert_allclose(out32.numpy(), ref, rtol=1e-4, atol=1e-5)


def test_roi_align_list_boxes_module_and_gradient():
    rng = np.random.default_rng(10)
    x = E(rng.standard_normal((2, 2, 7, 8)), requires_grad=True)
    boxes = [E(_ROIS[_ROIS[:, 0] == 0][:, 1:]), E(_ROIS[_ROIS[:, 0] == 1][:, 1:])]
    order = np.argsort(_ROIS[:, 0], kind="stable")
    a = ops.roi_align(x, boxes, 3, 1.0, 2)
    b = ops.roi_align(x, E(_ROIS[order]), 3, 1.0, 2)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
    m = ops.RoIAlign((3, 3), 1.0, 2)
    np.testing.assert_allclose(m(x, boxes).detach().numpy(), a.detach().numpy())
    assert repr(m) == "RoIAlign(output_size=(3, 3), spatial_scale=1.0, sampling_ratio=2, aligned=False)"
    assert ember.autograd.gradcheck(lambda t: ops.roi_align(t, E(_ROIS), (2, 3), 0.7, -1, True), (x,))
    assert tuple(ops.roi_align(x, E(np.zeros((0, 5))), 2).shape) == (0, 2, 2, 2)


def _roi_pool_reference(x, rois, ph_, pw_, scale):
    n, c, height, width = x.shape
    out = np.zeros((len(rois), c, ph_, pw_))
    arg = -np.ones((len(rois), c, ph_, pw_), dtype=np.int64)
    rnd = lambda v: math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)  # noqa: E731  std::round
    for k, r in enumerate(rois):
        b = int(r[0])
        sw, sh, ew, eh = (rnd(r[i] * scale) for i in (1, 2, 3, 4))
        rw, rh = max(ew - sw + 1, 1), max(eh - sh + 1, 1)
        bh, bw = rh / ph_, rw / pw_
        for ph in range(ph_):
            for pw in range(pw_):
                hs = min(max(math.floor(ph * bh) + sh, 0), height)
                he = min(max(math.ceil((ph + 1) * bh) + sh, 0), height)
                ws = min(max(math.floor(pw * bw) + sw, 0), width)
                we = min(max(math.ceil((pw + 1) * bw) + sw, 0), width)
                if he <= hs or we <= ws:
                    continue
                for ch in range(c):
                    best, idx = -np.finfo(np.float32).max, -1
                    for h in range(hs, he):
                        for w in range(ws, we):
                            if x[b, ch, h, w] > best:
                                best, idx = x[b, ch, h, w], h * width + w
                    out[k, ch, ph, pw], arg[k, ch, ph, pw] = best, idx
    return out, arg


@pytest.mark.parametrize("scale,size", [(1.0, (3, 3)), (0.5, (2, 4)), (1.3, (4, 1))])
def test_roi_pool_matches_kernel_reference_with_gradient(scale, size):
    rng = np.random.default_rng(11)
    x = np.round(rng.standard_normal((2, 3, 9, 10)), 1)  # ties: the first maximum wins
    ref, arg = _roi_pool_reference(x, _ROIS, size[0], size[1], scale)
    xe = E(x, requires_grad=True)
    out = ops.roi_pool(xe, E(_ROIS), size, scale)
    np.testing.assert_array_equal(out.detach().numpy(), ref)
    g = rng.standard_normal(ref.shape)
    out.backward(E(g))
    expected = np.zeros_like(x)
    for k, r in enumerate(_ROIS):
        for ch in range(3):
            for p in np.ndindex(size):
                if arg[k, ch][p] >= 0:
                    expected[int(r[0]), ch].reshape(-1)[arg[k, ch][p]] += g[k, ch][p]
    np.testing.assert_allclose(xe.grad.numpy(), expected)
    m = ops.RoIPool(size, scale)
    assert repr(m) == f"RoIPool(output_size={size}, spatial_scale={scale})"


# ----------------------------------------------------------------------------------------------------
# deformable convolution

def _bilinear_reference(img, h, w):
    height, width = img.shape
    if h <= -1 or height <= h or w <= -1 or width <= w:
        return 0.0
    hl, wl = math.floor(h), math.floor(w)
    hh_, wh_ = hl + 1, wl + 1
    lh, lw = h - hl, w - wl
    hh, hw = 1 - lh, 1 - lw
    v1 = img[hl, wl] if hl >= 0 and wl >= 0 else 0
    v2 = img[hl, wh_] if hl >= 0 and wh_ <= width - 1 else 0
    v3 = img[hh_, wl] if hh_ <= height - 1 and wl >= 0 else 0
    v4 = img[hh_, wh_] if hh_ <= height - 1 and wh_ <= width - 1 else 0
    return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4


def _deform_conv_reference(x, offset, weight, bias, stride, pad, dil, mask):
    b_, cin, height, width = x.shape
    cout, cin_g, kh, kw = weight.shape
    oh, ow = offset.shape[2:]
    n_off = offset.shape[1] // (2 * kh * kw)
    groups = cin // cin_g
    out = np.zeros((b_, cout, oh, ow))
    for b in range(b_):
        cols = np.zeros((cin, kh, kw, oh, ow))
        for c in range(cin):
            g = c // (cin // n_off)
            for i in range(kh):
                for j in range(kw):
                    k = i * kw + j
                    for y in range(oh):
                        for xx in range(ow):
                            oy = offset[b, g * 2 * kh * kw + 2 * k, y, xx]
                            ox = offset[b, g * 2 * kh * kw + 2 * k + 1, y, xx]
                            m = mask[b, g * kh * kw + k, y, xx] if mask is not None else 1.0
                            hh = y * stride[0] - pad[0] + i * dil[0] + oy
                            ww = xx * stride[1] - pad[1] + j * dil[1] + ox
                            cols[c, i, j, y, xx] = m * _bilinear_reference(x[b, c], hh, ww)
        for o in range(cout):
            g = o // (cout // groups)
            out[b, o] = np.einsum("cij,cijyx->yx", weight[o], cols[g * cin_g:(g + 1) * cin_g]) + bias[o]
    return out


@pytest.mark.parametrize("groups,offset_groups,stride,pad,dil,use_mask", [
    (1, 1, (1, 1), (1, 1), (1, 1), True), (2, 2, (2, 1), (0, 2), (1, 2), True), (1, 2, (1, 2), (1, 0), (2, 1), False)])
def test_deform_conv2d_matches_kernel_reference(groups, offset_groups, stride, pad, dil, use_mask):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 4, 6, 7))
    w = rng.standard_normal((6, 4 // groups, 3, 2))
    bias = rng.standard_normal(6)
    oh = (6 + 2 * pad[0] - (dil[0] * 2 + 1)) // stride[0] + 1
    ow = (7 + 2 * pad[1] - (dil[1] * 1 + 1)) // stride[1] + 1
    off = rng.uniform(-2.5, 2.5, (2, 2 * offset_groups * 6, oh, ow))
    mask = rng.random((2, offset_groups * 6, oh, ow)) if use_mask else None
    out = ops.deform_conv2d(E(x), E(off), E(w), E(bias), stride, pad, dil, E(mask) if use_mask else None)
    ref = _deform_conv_reference(x, off, w, bias, stride, pad, dil, mask)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10, atol=1e-10)


def test_deform_conv2d_zero_offset_is_conv2d_and_gradients():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((5, 3, 3, 3)).astype(np.float32)
    off = np.zeros((1, 18, 8, 8), np.float32)
    out = ops.deform_conv2d(E(x), E(off), E(w), padding=1)
    assert_same(out, torch.nn.functional.conv2d(T(x), T(w), padding=1), atol=1e-5)

    xd = E(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
    od = E(rng.uniform(-1.5, 1.5, (1, 18, 5, 5)), requires_grad=True)
    wd = E(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    md = E(rng.random((1, 9, 5, 5)), requires_grad=True)
    bd = E(rng.standard_normal(3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, o, ww, m, b: ops.deform_conv2d(a, o, ww, b, padding=1, mask=m),
                                    (xd, od, wd, md, bd))
    layer = ops.DeformConv2d(2, 4, 3, padding=1, groups=2, bias=False)
    assert tuple(layer.weight.shape) == (4, 1, 3, 3) and layer.bias is None
    assert repr(layer) == "DeformConv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2, bias=False)"
    assert tuple(layer(xd.detach().float(), od.detach().float()).shape) == (1, 4, 5, 5)
    with pytest.raises(RuntimeError):
        ops.deform_conv2d(xd, od[:, :5], wd)
    with pytest.raises(ValueError):
        ops.DeformConv2d(3, 4, 3, groups=2)


# ----------------------------------------------------------------------------------------------------
# focal loss and layers

def _t_focal(inputs, targets, alpha, gamma, reduction):
    p = torch.sigmoid(inputs)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


@pytest.mark.parametrize("alpha,gamma,reduction", [(0.25, 2, "none"), (-1, 1.5, "mean"), (0.7, 0, "sum")])
def test_sigmoid_focal_loss_matches_with_gradient(alpha, gamma, reduction):
    rng = np.random.default_rng(14)
    x = rng.standard_normal((4, 5)) * 3
    t = (rng.random((4, 5)) > 0.6).astype(np.float64)
    xe, xt = E(x, requires_grad=True), T(x, requires_grad=True)
    le = ops.sigmoid_focal_loss(xe, E(t), alpha, gamma, reduction)
    lt = _t_focal(xt, T(t), alpha, gamma, reduction)
    assert_same(le, lt, atol=1e-12, rtol=1e-10)
    le.sum().backward()
    lt.sum().backward()
    assert_same(xe.grad, xt.grad, atol=1e-12, rtol=1e-10)
    with pytest.raises(ValueError):
        ops.sigmoid_focal_loss(xe, E(t), 1.5)
    with pytest.raises(ValueError):
        ops.sigmoid_focal_loss(xe, E(t), reduction="max")


def test_frozen_batchnorm_matches_eval_batchnorm_and_loads_bn_state():
    rng = np.random.default_rng(15)
    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(T(rng.random(3)))
        bn.bias.copy_(T(rng.random(3)))
        bn.running_mean.copy_(T(rng.random(3)))
        bn.running_var.copy_(T(rng.random(3) + 0.5))
    bn.eval()
    frozen = ops.FrozenBatchNorm2d(3)
    frozen.load_state_dict({k: ember.tensor(v.numpy()) for k, v in bn.state_dict().items()})
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    assert_same(frozen(E(x)), bn(T(x)).detach(), atol=1e-6)
    assert sorted(frozen.state_dict()) == ["bias", "running_mean", "running_var", "weight"]
    assert list(frozen.parameters()) == []
    assert repr(frozen) == "FrozenBatchNorm2d(3, eps=1e-05)"


def test_conv_norm_activation_and_squeeze_excitation_structure():
    block = ops.Conv2dNormActivation(3, 8, kernel_size=3, stride=2)
    assert [type(m).__name__ for m in block] == ["Conv2d", "BatchNorm2d", "ReLU"]
    assert block[0].padding == (1, 1) and block[0].bias is None and block.out_channels == 8
    no_norm = ops.Conv2dNormActivation(3, 8, kernel_size=(3, 5), dilation=2, norm_layer=None, activation_layer=None)
    assert len(no_norm) == 1 and no_norm[0].padding == (2, 4) and no_norm[0].bias is not None
    se = ops.SqueezeExcitation(8, 2)
    assert sorted(se.state_dict()) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]
    x = ember.rand(2, 8, 5, 5)
    scale = se._scale(x)
    assert tuple(scale.shape) == (2, 8, 1, 1)
    np.testing.assert_allclose(se(x).detach().numpy(), (scale * x).detach().numpy())
    mlp = ops.MLP(4, [6, 3], dropout=0.0)
    assert [type(m).__name__ for m in mlp] == ["Linear", "ReLU", "Dropout", "Linear", "Dropout"]
    assert tuple(ops.Permute([0, 2, 3, 1])(x).shape) == (2, 5, 5, 8)
