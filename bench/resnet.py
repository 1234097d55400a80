"""ResNet-18 (CIFAR stem, batch 32) SGD training step, and ResNet-50 inference (batch 8, 224x224).

The networks are defined here with plain nn layers so both frameworks run the same definition."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__, repeats_small=(int, 3))
torch = framework(args)
nn = torch.nn
F = torch.nn.functional


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = nn.Sequential()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.short(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride=1):
        super().__init__()
        cout = width * 4
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.short = nn.Sequential()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + self.short(x))


def resnet(block, counts, imagenet, classes):
    layers = ([nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
              if imagenet else [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()])
    cin = 64
    for i, (n, width) in enumerate(zip(counts, (64, 128, 256, 512))):
        for j in range(n):
            blk = block(cin, width, 2 if (j == 0 and i > 0) else 1)
            layers.append(blk)
            cin = width * block.expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


torch.manual_seed(0)
r18 = resnet(Basic, (2, 2, 2, 2), False, 10)
opt = torch.optim.SGD(r18.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))


def step():
    opt.zero_grad()
    F.cross_entropy(r18(x), y).backward()
    opt.step()


emit("resnet18_step", "ms_per_step", median_time(step, args.repeats_small, min_time=0) * 1e3, "ms")
r50 = resnet(Bottleneck, (3, 4, 6, 3), True, 1000).eval()
xi = torch.randn(8, 3, 224, 224)


def infer():
    with torch.no_grad():
        r50(xi)


emit("resnet50_infer", "ms_per_batch", median_time(infer, args.repeats_small, min_time=0) * 1e3, "ms")
emit("resnet", "peak_rss", peak_rss_mb(), "MB")
