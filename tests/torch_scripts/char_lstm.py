"""A character LSTM language model for PyTorch: Embedding, LSTM, Linear; gradient clipping; SGD."""
import torch
import torch.nn as nn

TEXT = "the quick brown fox jumps over the lazy dog. " * 4


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=8, hidden=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def main():
    torch.manual_seed(3)
    chars = sorted(set(TEXT))
    ids = torch.tensor([chars.index(c) for c in TEXT])
    seq = 20
    starts = torch.arange(0, len(ids) - seq - 1, 7)
    x = torch.stack([ids[s:s + seq] for s in starts])
    y = torch.stack([ids[s + 1:s + seq + 1] for s in starts])
    model = CharLSTM(len(chars))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    criterion = nn.CrossEntropyLoss()
    for step in range(10):
        optimizer.zero_grad()
        logits, _ = model(x)
        loss = criterion(logits.reshape(-1, len(chars)), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        print(f"step {step} loss: {loss.item():.7f}")


if __name__ == "__main__":
    main()
