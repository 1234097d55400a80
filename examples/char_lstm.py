"""A character-level LSTM language model, trained the PyTorch way on ember, that then writes text.

    python examples/char_lstm.py                     # the bundled public-domain corpus (~6 KB)
    python examples/char_lstm.py --text book.txt     # any text file
    tensorboard --logdir runs

Embedding -> 2-layer LSTM -> Linear over the vocabulary, trained with cross-entropy on next-character
prediction over random windows of the text (Adam, gradient-norm clipping).  After each epoch it samples a
line from the model, feeding its own output back in with the LSTM state carried along.
"""
import math

import ember as torch
import ember.nn as nn
from ember._data import path as bundled
from ember.utils.data import DataLoader, Dataset

from common import finish, limited, make_parser, progress, save_checkpoint, start_epoch, summary_writer


class CharWindows(Dataset):
    """All windows of ``seq_len + 1`` characters starting every ``stride`` characters: (input, next chars)."""

    def __init__(self, ids, seq_len, stride):
        self.ids, self.seq_len = ids, seq_len
        self.starts = range(0, len(ids) - seq_len - 1, stride)

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, i):
        s = self.starts[i]
        chunk = self.ids[s:s + self.seq_len + 1]
        return chunk[:-1], chunk[1:]


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed=32, hidden=128, layers=2, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def sample(model, chars, prompt, length, temperature=0.8):
    """Generate ``length`` characters after ``prompt``, drawing each from the softmax of the logits / T."""
    model.eval()
    index = {c: i for i, c in enumerate(chars)}
    with torch.no_grad():
        x = torch.tensor([[index[c] for c in prompt if c in index]])
        logits, state = model(x)
        out = []
        for _ in range(length):
            probs = torch.softmax(logits[0, -1] / temperature, dim=0)
            nxt = torch.multinomial(probs, 1)
            out.append(chars[nxt.item()])
            logits, state = model(nxt.view(1, 1), state)
    return prompt + "".join(out)


def main():
    parser = make_parser("char_lstm", __doc__.splitlines()[0], epochs=20, lr=3e-3, batch_size=32)
    parser.add_argument("--text", default=bundled("corpus.txt"), help="training text (default: bundled corpus)")
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=128)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    # 1. data: the text as character ids, cut into overlapping windows
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    ids = torch.tensor([chars.index(c) for c in text])
    loader = DataLoader(CharWindows(ids, args.seq_len, stride=args.seq_len // 2), batch_size=args.batch_size,
                        shuffle=True)
    print(f"{len(text)} characters, vocabulary of {len(chars)}, {len(loader.dataset)} windows")

    # 2. model, 3. loss, 4. optimizer
    model = CharLSTM(len(chars), hidden=args.hidden)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    first = start_epoch(args, model, optimizer)
    steps_per_epoch = limited(loader, args.steps)[1]
    writer = summary_writer(args, purge_step=first * steps_per_epoch if first else None)

    # 5. iterate
    step = first * steps_per_epoch
    for epoch in range(first, args.epochs):
        model.train()
        batches, total = limited(loader, args.steps)
        bar = progress(batches, f"epoch {epoch + 1}/{args.epochs}", total)
        epoch_loss = 0.0
        for x, y in bar:
            logits, _ = model(x)
            loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            epoch_loss += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}", bpc=f"{loss.item() / math.log(2):.2f}")
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
            step += 1
        epoch_loss /= total
        print(f"epoch {epoch + 1}: loss {epoch_loss:.4f}  ({epoch_loss / math.log(2):.3f} bits per character)")
        text_sample = sample(model, chars, "Shall I ", 80)
        print("   ", text_sample.replace("\n", " / "))
        if writer is not None:
            writer.add_scalar("train/epoch_loss", epoch_loss, step)
            writer.add_text("sample", text_sample, epoch + 1)
        save_checkpoint(args.checkpoint, epoch, model, optimizer, chars=chars)

    finish(args, writer)


if __name__ == "__main__":
    main()
