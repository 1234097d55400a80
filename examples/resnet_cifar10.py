"""A residual network (He et al., 2016, the CIFAR variant) on CIFAR-10, trained the PyTorch way on ember.

    python examples/resnet_cifar10.py --data ~/data/cifar-10-batches-py   # the python pickle batches
    python examples/resnet_cifar10.py                                     # no data: a tiny synthetic set
    tensorboard --logdir runs

ResNet-(6n+2): a 3x3 stem, three stages of n basic blocks (16, 32, 64 channels; stride 2 between
stages), global average pooling and a linear classifier.  SGD with Nesterov momentum, weight decay and
a one-cycle learning-rate schedule; random horizontal flips as augmentation.
"""
import os
import pickle
import sys

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset

from common import (accuracy, finish, limited, make_parser, progress, save_checkpoint, start_epoch,
                    summary_writer)

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def load_cifar10(root):
    """(train_x, train_y, test_x, test_y) as uint8 NCHW images and int labels from the pickle batches."""
    def read(name):
        with open(os.path.join(root, name), "rb") as f:
            batch = pickle.load(f, encoding="bytes")
        return batch[b"data"].reshape(-1, 3, 32, 32), np.asarray(batch[b"labels"])
    parts = [read(f"data_batch_{i}") for i in range(1, 6)]
    test_x, test_y = read("test_batch")
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), test_x, test_y


def synthetic_cifar(n_train, n_test, seed):
    """A learnable stand-in in CIFAR's format: each class is a colour and a stripe orientation, plus noise."""
    rng = np.random.default_rng(seed)
    colors = rng.uniform(0.2, 0.8, (10, 3))
    angles = np.linspace(0, np.pi, 10, endpoint=False)
    yy, xx = np.mgrid[0:32, 0:32] / 32.0

    def make(n):
        labels = rng.integers(0, 10, n)
        phase = rng.uniform(0, 2 * np.pi, (n, 1, 1))
        a = angles[labels][:, None, None]
        stripes = 0.5 + 0.25 * np.sin(12 * (xx * np.cos(a) + yy * np.sin(a)) + phase)
        images = colors[labels][:, :, None, None] * stripes[:, None] + rng.normal(0, 0.15, (n, 3, 32, 32))
        return (images.clip(0, 1) * 255).astype(np.uint8), labels
    return (*make(n_train), *make(n_test))


def to_dataset(images, labels):
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    return TensorDataset(x, torch.from_numpy(labels.astype(np.int64)))


class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN plus the input (projected by a 1x1 conv when the shape changes), then ReLU."""

    def __init__(self, in_ch, out_ch, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_ch)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(nn.Conv2d(in_ch, out_ch, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_ch))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, blocks_per_stage=1, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        layers, in_ch = [], 16
        for i, ch in enumerate((16, 32, 64)):
            for j in range(blocks_per_stage):
                layers.append(BasicBlock(in_ch, ch, stride=2 if i > 0 and j == 0 else 1))
                in_ch = ch
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def random_flip(x):
    """Mirror a random half of the batch left-right."""
    flip = torch.rand(x.shape[0]) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)


def evaluate(model, loader):
    model.eval()
    correct = n = 0
    loss = 0.0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
            n += len(y)
    return loss / n, correct / n


def main():
    parser = make_parser("resnet_cifar10", __doc__.splitlines()[0], epochs=5, lr=0.05, batch_size=64)
    parser.add_argument("--data", default="", help="directory of the CIFAR-10 python batches")
    parser.add_argument("--blocks", type=int, default=1, help="basic blocks per stage: depth 6n+2 (default 1)")
    parser.add_argument("--synthetic-size", type=int, default=512, help="training images of the synthetic set")
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    # 1. data
    if args.data and os.path.exists(os.path.join(os.path.expanduser(args.data), "data_batch_1")):
        train_x, train_y, test_x, test_y = load_cifar10(os.path.expanduser(args.data))
        print(f"CIFAR-10 from {args.data}")
    else:
        print("WARNING: CIFAR-10 batches not found (pass --data DIR with data_batch_1..5 and test_batch); training "
              "on a small synthetic stand-in, so the accuracy says nothing about CIFAR-10", file=sys.stderr)
        train_x, train_y, test_x, test_y = synthetic_cifar(args.synthetic_size, args.synthetic_size // 4, args.seed)
    train_loader = DataLoader(to_dataset(train_x, train_y), batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(to_dataset(test_x, test_y), batch_size=256)
    print(f"{len(train_x)} training / {len(test_x)} test images")

    # 2. model, 3. loss, 4. optimizer and schedule
    model = ResNet(args.blocks)
    print(f"ResNet-{6 * args.blocks + 2}: {sum(p.numel() for p in model.parameters())} parameters")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps_per_epoch = limited(train_loader, args.steps)[1]
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs,
                                                    steps_per_epoch=steps_per_epoch)
    first = start_epoch(args, model, optimizer, scheduler)
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)
    if writer is not None and first == 0:
        writer.add_images("train images", torch.from_numpy(train_x[:16]), 0)

    # 5. iterate
    step = first * steps_per_epoch
    test_acc = None
    for epoch in range(first, args.epochs):
        model.train()
        batches, total = limited(train_loader, args.steps)
        bar = progress(batches, f"epoch {epoch + 1}/{args.epochs}", total)
        for x, y in bar:
            logits = model(random_flip(x))
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            bar.set_postfix(loss=f"{loss.item():.4f}", acc=f"{accuracy(logits, y):.3f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
                writer.add_scalar("lr", scheduler.get_last_lr()[0], step)
            step += 1
        test_loss, test_acc = evaluate(model, test_loader)
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {test_acc:.4f}")
        if writer is not None:
            writer.add_scalar("test/loss", test_loss, step)
            writer.add_scalar("test/accuracy", test_acc, step)
        save_checkpoint(args.checkpoint, epoch, model, optimizer, scheduler)

    if test_acc is None:
        test_acc = evaluate(model, test_loader)[1]
    print(f"test accuracy: {test_acc:.4f}")
    finish(args, writer)


if __name__ == "__main__":
    main()
