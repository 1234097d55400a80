"""A Transformer encoder classifier for PyTorch: Embedding + learned positions, nn.TransformerEncoder,
mean pooling, Adam; the task is whether a sequence holds more 1s than 2s."""
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, vocab=4, d_model=16, seq_len=10):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.randn(seq_len, d_model) * 0.1)
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 2)

    def forward(self, x):
        h = self.encoder(self.embed(x) + self.pos)
        return self.head(h.mean(dim=1))


def main():
    torch.manual_seed(4)
    x = torch.randint(0, 4, (128, 10))
    y = ((x == 1).sum(1) > (x == 2).sum(1)).long()
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    for step in range(8):
        batch = slice((step % 4) * 32, (step % 4 + 1) * 32)
        optimizer.zero_grad()
        loss = criterion(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.7f}")


if __name__ == "__main__":
    main()
