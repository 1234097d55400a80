"""A small CNN for PyTorch: Conv2d, BatchNorm2d, MaxPool2d, Flatten; AdamW on random images."""
import torch
from torch import nn


def main():
    torch.manual_seed(2)
    images = torch.rand(64, 1, 12, 12)
    targets = (images[:, 0, :6].mean(dim=(1, 2)) > images[:, 0, 6:].mean(dim=(1, 2))).long()
    model = nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, kernel_size=3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(12):
        batch = slice((step % 4) * 16, (step % 4 + 1) * 16)
        optimizer.zero_grad()
        loss = loss_fn(model(images[batch]), targets[batch])
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.7f}")
    model.eval()
    with torch.no_grad():
        print("eval loss:", f"{loss_fn(model(images), targets).item():.7f}")


if __name__ == "__main__":
    main()
