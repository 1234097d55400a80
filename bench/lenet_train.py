"""LeNet-5 training step (conv 1-6-5 p2, pool, conv 6-16-5, pool, 400-120-84-10), batch 64, Adam."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
nn = torch.nn
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


emit("lenet_train", "ms_per_step", median_time(step, args.repeats) * 1e3, "ms")
emit("lenet_train", "peak_rss", peak_rss_mb(), "MB")
