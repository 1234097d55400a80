"""A classifier as a PyTorch user writes it: an nn.Module subclass, F.relu, cross-entropy, Adam with a StepLR
schedule, evaluation under no_grad, and a state_dict checkpoint saved and loaded back."""
import os
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, n_in, n_hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_hidden)
        self.out = nn.Linear(n_hidden, n_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


def main():
    assert __name__ == "__main__"
    torch.manual_seed(1)
    centers = torch.randn(4, 10) * 2
    labels = torch.randint(0, 4, (400,))
    data = centers[labels] + torch.randn(400, 10)
    train_x, test_x = data[:300], data[300:]
    train_y, test_y = labels[:300], labels[300:]

    model = Net(10, 24, 4)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    for step in range(15):
        perm = torch.randperm(300)
        for i in range(0, 300, 100):
            idx = perm[i:i + 100]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
        scheduler.step()
        print(f"step {step} lr {scheduler.get_last_lr()[0]:.5f} loss: {loss.item():.7f}")

    model.eval()
    with torch.no_grad():
        logits = model(test_x)
        acc = (logits.argmax(dim=1) == test_y).float().mean().item()
    print(f"test accuracy: {acc:.4f}")

    path = os.path.join(tempfile.mkdtemp(), "net.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    restored = Net(10, 24, 4)
    ckpt = torch.load(path)
    restored.load_state_dict(ckpt["model"])
    with torch.no_grad():
        same = torch.equal(restored(test_x), logits)
    print("restored equal:", same, "optimizer steps:", ckpt["optimizer"]["state"][0]["step"].item())
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
