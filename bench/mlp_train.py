"""MLP 784-256-128-10 training step, batch 64, cross-entropy; SGD (lr 0.01, momentum 0.9) and Adam."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
nn = torch.nn
torch.manual_seed(0)
xs = [torch.randn(64, 784) for _ in range(16)]
ys = [torch.randint(0, 10, (64,)) for _ in range(16)]

for opt_name in ("sgd", "adam"):
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = (torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9) if opt_name == "sgd"
           else torch.optim.Adam(model.parameters(), lr=1e-3))
    loss_fn = nn.CrossEntropyLoss()
    i = [0]

    def step():
        k = i[0] % 16
        i[0] += 1
        opt.zero_grad()
        loss = loss_fn(model(xs[k]), ys[k])
        loss.backward()
        opt.step()

    emit("mlp_train", f"ms_per_step_{opt_name}", median_time(step, args.repeats) * 1e3, "ms")
emit("mlp_train", "peak_rss", peak_rss_mb(), "MB")
