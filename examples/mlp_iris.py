"""A multi-layer perceptron on Fisher's iris flowers (bundled CSV), trained the PyTorch way on ember.

    python examples/mlp_iris.py
    tensorboard --logdir runs

A custom Dataset reads the CSV; features are standardised with training-set statistics; the network
is Linear-ReLU-Linear-ReLU-Linear with cross-entropy loss and Adam.
"""
import csv

import ember as torch
import ember.nn as nn
from ember._data import path as bundled
from ember.utils.data import DataLoader, Dataset

from common import (accuracy, finish, limited, make_parser, progress, save_checkpoint, start_epoch,
                    summary_writer)


class IrisDataset(Dataset):
    """Rows of ``iris.csv``: four measurements (cm) and a species index."""

    SPECIES = ("setosa", "versicolor", "virginica")

    def __init__(self, path):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.features = torch.tensor([[float(r[k]) for k in ("sepal_length", "sepal_width", "petal_length",
                                                            "petal_width")] for r in rows])
        self.labels = torch.tensor([self.SPECIES.index(r["species"]) for r in rows])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.features[i], self.labels[i]


class MLP(nn.Module):
    def __init__(self, n_in=4, hidden=16, n_out=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, n_out))

    def forward(self, x):
        return self.net(x)


def main():
    args = make_parser("mlp_iris", __doc__.splitlines()[0], epochs=60, lr=0.01, batch_size=16).parse_args()
    torch.manual_seed(args.seed)

    # 1. data: a stratified-enough random split of 150 flowers into 120 / 30, standardised
    data = IrisDataset(bundled("iris.csv"))
    perm = torch.randperm(len(data), generator=torch.Generator().manual_seed(args.seed))
    train_idx, test_idx = perm[:120], perm[120:]
    mean, std = data.features[train_idx].mean(0), data.features[train_idx].std(0)
    data.features = (data.features - mean) / std
    train_loader = DataLoader(torch.utils.data.Subset(data, train_idx.tolist()), batch_size=args.batch_size,
                              shuffle=True)
    test_x, test_y = data.features[test_idx], data.labels[test_idx]

    # 2. model, 3. loss, 4. optimizer
    model = MLP()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    first = start_epoch(args, model, optimizer)
    steps_per_epoch = limited(train_loader, args.steps)[1]
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)

    # 5. iterate
    step = first * steps_per_epoch
    for epoch in range(first, args.epochs):
        model.train()
        batches, total = limited(train_loader, args.steps)
        bar = progress(batches, f"epoch {epoch + 1}/{args.epochs}", total)
        for x, y in bar:
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.set_postfix(loss=f"{loss.item():.4f}", acc=f"{accuracy(logits, y):.3f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(test_x)
            test_loss, test_acc = loss_fn(logits, test_y).item(), accuracy(logits, test_y)
        if (epoch + 1) % 10 == 0 or epoch + 1 == args.epochs:
            print(f"epoch {epoch + 1}: test loss {test_loss:.4f}  test accuracy {test_acc:.4f}")
        if writer is not None:
            writer.add_scalars("loss", {"train": loss.item(), "test": test_loss}, step)
            writer.add_scalar("test/accuracy", test_acc, step)
        save_checkpoint(args.checkpoint, epoch, model, optimizer)

    model.eval()
    with torch.no_grad():
        logits = model(test_x)
    print(f"test loss: {loss_fn(logits, test_y).item():.4f}")
    print(f"test accuracy: {accuracy(logits, test_y):.4f}")
    if writer is not None:
        writer.add_hparams({"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs},
                           {"hparam/test_accuracy": accuracy(logits, test_y)}, run_name="hparams")
    finish(args, writer)


if __name__ == "__main__":
    main()
