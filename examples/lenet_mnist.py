"""LeNet-5 on handwritten digits: the classic convolutional network, trained the PyTorch way on ember.

    python examples/lenet_mnist.py                      # bundled digits (1437 train / 360 test, 28x28)
    python examples/lenet_mnist.py --data ~/data/mnist   # MNIST idx files, if you have them
    python examples/lenet_mnist.py --resume              # continue from the last checkpoint
    tensorboard --logdir runs                            # loss/accuracy curves, images, histograms, graph

The five steps of training in PyTorch: data (Dataset + DataLoader), model (nn.Module), loss
(nn.CrossEntropyLoss), optimizer (optim.Adam), and the loop (forward, backward, step).
"""
import gzip
import os
import time

import numpy as np

import ember as torch
import ember.nn as nn
from ember._data import path as bundled
from ember.utils.data import DataLoader, TensorDataset

from common import (accuracy, finish, limited, make_parser, progress, save_checkpoint, start_epoch,
                    summary_writer)

MNIST_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def read_idx(path):
    """An array from an IDX file (the MNIST format: big-endian header, then raw unsigned bytes)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = np.frombuffer(raw, ">i4", count=ndim, offset=4)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_mnist(root):
    """{split: (images, labels)} from MNIST idx files under ``root`` (or ``root/MNIST/raw``), else None."""
    for d in (root, os.path.join(root, "MNIST", "raw")):
        found = {}
        for split, names in MNIST_FILES.items():
            paths = [next((os.path.join(d, n + ext) for ext in ("", ".gz") if os.path.exists(os.path.join(d, n + ext))),
                          None) for n in names]
            if None in paths:
                break
            found[split] = tuple(read_idx(p) for p in paths)
        else:
            return found
    return None


def load_data(root):
    """uint8 images (N, 28, 28) and labels per split: MNIST from ``root`` if there, else the bundled digits."""
    if root:
        mnist = find_mnist(os.path.expanduser(root))
        if mnist is not None:
            print(f"MNIST from {root}")
            return mnist
        print(f"no MNIST idx files in {root}; using the bundled digits")
    d = np.load(bundled("digits.npz"))
    print("bundled digits (UCI optdigits, upsampled to 28x28)")
    return {"train": (d["train_images"], d["train_labels"]), "test": (d["test_images"], d["test_labels"])}


def to_dataset(images, labels, mean, std):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return TensorDataset((x - mean) / std, torch.from_numpy(labels.astype(np.int64)))


class LeNet(nn.Module):
    """LeNet-5 (LeCun et al., 1998) with ReLU and max pooling: 1x28x28 -> 10 class scores."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),     # 6 x 12 x 12
            nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),    # 16 x 4 x 4
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 4 * 4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            n += len(y)
    return total_loss / n, correct / n


def main():
    parser = make_parser("lenet_mnist", __doc__.splitlines()[0], epochs=12, lr=2e-3, batch_size=32)
    parser.add_argument("--data", default="", help="directory with MNIST idx files (default: bundled digits)")
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    # 1. data
    data = load_data(args.data)
    train_images = data["train"][0]
    mean, std = float(train_images.mean() / 255.0), float(train_images.std() / 255.0)
    train_set = to_dataset(*data["train"], mean, std)
    test_set = to_dataset(*data["test"], mean, std)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    print(f"{len(train_set)} training / {len(test_set)} test images")

    # 2. model, 3. loss, 4. optimizer (+ a learning-rate schedule)
    model = LeNet()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    print(f"LeNet-5: {sum(p.numel() for p in model.parameters())} parameters")

    first = start_epoch(args, model, optimizer, scheduler)
    steps_per_epoch = limited(train_loader, args.steps)[1]
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)
    if writer is not None and first == 0:
        sample = test_set.tensors[0][:32]
        writer.add_images("test images", sample * std + mean, 0)
        writer.add_graph(model, sample)

    # 5. the training loop
    start = time.time()
    test_loss, test_acc = evaluate(model, test_loader, loss_fn) if first >= args.epochs else (None, None)
    for epoch in range(first, args.epochs):
        model.train()
        batches, total = limited(train_loader, args.steps)
        bar = progress(batches, f"epoch {epoch + 1}/{args.epochs}", total)
        step = epoch * steps_per_epoch
        for x, y in bar:
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            acc = accuracy(logits, y)
            bar.set_postfix(loss=f"{loss.item():.4f}", acc=f"{acc:.3f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
                writer.add_scalar("train/accuracy", acc, step)
            step += 1
        scheduler.step()
        test_loss, test_acc = evaluate(model, test_loader, loss_fn)
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {test_acc:.4f}  ({time.time() - start:.1f}s)")
        if writer is not None:
            writer.add_scalar("test/loss", test_loss, step)
            writer.add_scalar("test/accuracy", test_acc, step)
            writer.add_scalar("lr", scheduler.get_last_lr()[0], step)
            for name, p in model.named_parameters():
                writer.add_histogram(name, p, epoch + 1)
        save_checkpoint(args.checkpoint, epoch, model, optimizer, scheduler, test_accuracy=test_acc)

    print(f"test accuracy: {test_acc:.4f}")
    print(f"training time: {time.time() - start:.1f}s")
    finish(args, writer)


if __name__ == "__main__":
    main()
