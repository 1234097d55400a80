"""Logistic regression on synthetic data: the smallest complete PyTorch training program, on ember.

    python examples/logistic_regression.py
    tensorboard --logdir runs

Two Gaussian clouds in 2-D, one linear layer, binary cross-entropy on the logit, plain SGD.
"""
import ember as torch
import ember.nn as nn
from ember.utils.data import DataLoader, TensorDataset, random_split

from common import finish, limited, make_parser, progress, save_checkpoint, start_epoch, summary_writer


def make_data(n, generator):
    """``n`` points: label 1 around (1.5, 1), label 0 around (-1, -1.5), unit variance."""
    labels = torch.randint(0, 2, (n,), generator=generator).float()
    centers = torch.where(labels[:, None] > 0, torch.tensor([1.5, 1.0]), torch.tensor([-1.0, -1.5]))
    return centers + torch.randn(n, 2, generator=generator), labels


def main():
    args = make_parser("logistic_regression", __doc__.splitlines()[0], epochs=10, lr=0.1, batch_size=32).parse_args()
    torch.manual_seed(args.seed)

    # 1. data: 1000 points, 800 to train on and 200 held out
    x, y = make_data(1000, torch.Generator().manual_seed(args.seed))
    train_set, test_set = random_split(TensorDataset(x, y), [800, 200])
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_x, test_y = x[test_set.indices], y[test_set.indices]

    # 2. model, 3. loss, 4. optimizer
    model = nn.Linear(2, 1)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    first = start_epoch(args, model, optimizer)
    steps_per_epoch = limited(train_loader, args.steps)[1]
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)

    # 5. iterate
    step = first * steps_per_epoch
    for epoch in range(first, args.epochs):
        batches, total = limited(train_loader, args.steps)
        bar = progress(batches, f"epoch {epoch + 1}/{args.epochs}", total)
        for xb, yb in bar:
            loss = loss_fn(model(xb).squeeze(1), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.set_postfix(loss=f"{loss.item():.4f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
            step += 1
        with torch.no_grad():
            logits = model(test_x).squeeze(1)
            test_loss = loss_fn(logits, test_y).item()
            test_acc = ((logits > 0).float() == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: test loss {test_loss:.4f}  test accuracy {test_acc:.4f}")
        if writer is not None:
            writer.add_scalar("test/loss", test_loss, step)
            writer.add_scalar("test/accuracy", test_acc, step)
            writer.add_pr_curve("test/pr", test_y, torch.sigmoid(logits), step)
        save_checkpoint(args.checkpoint, epoch, model, optimizer)

    w, b = model.weight.detach()[0], model.bias.item()
    print(f"decision boundary: {w[0].item():.3f} * x0 + {w[1].item():.3f} * x1 + {b:.3f} = 0")
    with torch.no_grad():
        logits = model(test_x).squeeze(1)
        print(f"test loss: {loss_fn(logits, test_y).item():.4f}")
        print(f"test accuracy: {((logits > 0).float() == test_y).float().mean().item():.4f}")
    finish(args, writer)


if __name__ == "__main__":
    main()
