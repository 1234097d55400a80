"""LSTM (2 layers, hidden 256, seq 64, batch 32) forward+backward; Transformer encoder layer step."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
nn = torch.nn
torch.manual_seed(0)
lstm = nn.LSTM(128, 256, num_layers=2)
x = torch.randn(64, 32, 128)


def lstm_step():
    lstm.zero_grad()
    out, _ = lstm(x)
    out.sum().backward()


emit("lstm", "fwd_bwd_ms", median_time(lstm_step, args.repeats, min_time=0) * 1e3, "ms")
layer = nn.TransformerEncoderLayer(256, 8, 1024, batch_first=True)
opt = torch.optim.Adam(layer.parameters(), lr=1e-4)
src = torch.randn(32, 64, 256)


def tr_step():
    opt.zero_grad()
    layer(src).pow(2).mean().backward()
    opt.step()


emit("transformer", "ms_per_step", median_time(tr_step, args.repeats, min_time=0) * 1e3, "ms")
emit("sequence", "peak_rss", peak_rss_mb(), "MB")
