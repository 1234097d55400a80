"""A Transformer encoder that classifies sequences, trained the PyTorch way on ember.

    python examples/transformer_classifier.py
    tensorboard --logdir runs

The task (synthetic): sequences of tokens 0..9; the class is which of the tokens 1, 2, 3 occurs most
often (sequences with a tie are left out).  Token embeddings plus sinusoidal position encodings go through
nn.TransformerEncoder; the outputs are mean-pooled and classified.  AdamW with a linear warm-up.
"""
import math

import ember as torch
import ember.nn as nn
from ember.utils.data import DataLoader, TensorDataset

from common import (accuracy, finish, limited, make_parser, progress, save_checkpoint, start_epoch,
                    summary_writer)

VOCAB, CANDIDATES = 10, (1, 2, 3)


def make_data(n, seq_len, generator):
    """``n`` random sequences whose most frequent candidate token is unique; the label is its index."""
    x = torch.randint(0, VOCAB, (3 * n, seq_len), generator=generator)
    counts = (x.unsqueeze(2) == torch.tensor(CANDIDATES)).sum(1)
    top2 = counts.topk(2, dim=1).values
    keep = (top2[:, 0] > top2[:, 1]).nonzero().squeeze(1)[:n]
    return x[keep], counts[keep].argmax(1)


class PositionalEncoding(nn.Module):
    """Adds the fixed sinusoids of "Attention Is All You Need" (a buffer, saved in the state_dict)."""

    def __init__(self, d_model, max_len=512):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div)
        pe[:, 1::2] = torch.cos(position * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[:x.shape[1]]


class SequenceClassifier(nn.Module):
    def __init__(self, d_model=32, nhead=4, layers=2, num_classes=len(CANDIDATES), dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d_model)
        self.pos = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2 * d_model, dropout=dropout,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        h = self.encoder(self.pos(self.embed(x) * math.sqrt(self.embed.embedding_dim)))
        return self.head(h.mean(dim=1))


def main():
    parser = make_parser("transformer_classifier", __doc__.splitlines()[0], epochs=6, lr=2e-3, batch_size=64)
    parser.add_argument("--seq-len", type=int, default=16)
    parser.add_argument("--train-size", type=int, default=2048)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    # 1. data
    g = torch.Generator().manual_seed(args.seed)
    train_loader = DataLoader(TensorDataset(*make_data(args.train_size, args.seq_len, g)),
                              batch_size=args.batch_size, shuffle=True)
    test_x, test_y = make_data(512, args.seq_len, g)

    # 2. model, 3. loss, 4. optimizer with a warm-up over the first 50 steps
    model = SequenceClassifier()
    print(f"Transformer encoder: {sum(p.numel() for p in model.parameters())} parameters")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 50))

    first = start_epoch(args, model, optimizer, scheduler)
    steps_per_epoch = limited(train_loader, args.steps)[1]
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)

    # 5. iterate
    step = first * steps_per_epoch
    test_acc = None
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
            scheduler.step()
            bar.set_postfix(loss=f"{loss.item():.4f}", acc=f"{accuracy(logits, y):.3f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(test_x)
            test_loss, test_acc = loss_fn(logits, test_y).item(), accuracy(logits, test_y)
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {test_acc:.4f}")
        if writer is not None:
            writer.add_scalar("test/loss", test_loss, step)
            writer.add_scalar("test/accuracy", test_acc, step)
        save_checkpoint(args.checkpoint, epoch, model, optimizer, scheduler)

    if test_acc is None:
        model.eval()
        with torch.no_grad():
            test_acc = accuracy(model(test_x), test_y)
    print(f"test accuracy: {test_acc:.4f}")
    finish(args, writer)


if __name__ == "__main__":
    main()
