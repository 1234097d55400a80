"""A small regression MLP written for PyTorch: SGD with momentum, MSE, a shuffling DataLoader."""
import argparse
import sys

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()
    print("argv:", sys.argv[1:])

    torch.manual_seed(0)
    x = torch.randn(256, 8)
    true_w = torch.randn(8, 1)
    y = torch.tanh(x @ true_w) + 0.1 * torch.randn(256, 1)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

    model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
    print("init:", " ".join(f"{k}:{v.sum().item():.6f}" for k, v in model.state_dict().items()))
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    for epoch in range(args.epochs):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            print(f"loss: {loss.item():.7f}")
        print(f"epoch {epoch} mean loss: {total / len(loader.dataset):.7f}")


if __name__ == "__main__":
    main()
