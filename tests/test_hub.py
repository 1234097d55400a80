"""ember.hub: local hubconf directories, a GitHub-like server on localhost (zipballs, the branches API),
file:// downloads with hash checks, the checkpoint cache, trust prompts and the offline error."""
import hashlib
import http.server
import importlib.util
import io
import json
import os
import sys
import threading
import zipfile
from urllib.error import URLError

import pytest

import ember
from ember import hub

HUBCONF = '''
"""A test hub."""
dependencies = ["numpy"]
import ember
from helper import width


def mlp(n=2, bias=True):
    """A one-layer MLP."""
    return ember.nn.Linear(n, width(), bias=bias)


def _private():
    pass
'''


@pytest.fixture(autouse=True)
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.delitem(sys.modules, "helper", raising=False)  # each test repo has its own helper.py
    hub.set_dir(tmp_path / "hub")
    yield tmp_path / "hub"
    sys.modules.pop("helper", None)


def _repo(path, hubconf=HUBCONF):
    path.mkdir(parents=True, exist_ok=True)
    (path / "hubconf.py").write_text(hubconf)
    (path / "helper.py").write_text("def width():\n    return 4\n")
    return path


def test_local_source(tmp_path):
    repo = _repo(tmp_path / "repo")
    path_before = list(sys.path)
    m = hub.load(str(repo), "mlp", 3, source="local", bias=False)
    assert isinstance(m, ember.nn.Linear) and m.in_features == 3 and m.out_features == 4 and m.bias is None
    assert sys.path == path_before
    assert hub.load(repo, "mlp", source="LOCAL").in_features == 2


def test_hubconf_errors(tmp_path):
    repo = _repo(tmp_path / "repo")
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(repo), "nope", source="local")
    with pytest.raises(RuntimeError, match="Cannot find callable dependencies in hubconf"):
        hub.load(str(repo), "dependencies", source="local")
    with pytest.raises(ValueError, match="model should be a string"):
        hub.load(str(repo), 3, source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        hub.load(str(repo), "mlp", source="svn")
    bad = _repo(tmp_path / "bad", 'dependencies = ["numpy", "no_such_pkg_ember_xyz"]\ndef f():\n    return 1\n')
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such_pkg_ember_xyz"):
        hub.load(str(bad), "f", source="local")
    with pytest.raises(FileNotFoundError):
        hub.load(str(tmp_path), "f", source="local")


def test_get_dir_and_set_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))
    assert hub.get_dir() == str(tmp_path / "eh" / "hub")
    monkeypatch.delenv("EMBER_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "ember" / "hub")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert hub.get_dir() == os.path.expanduser("~/.cache/ember/hub")
    hub.set_dir(tmp_path / "mine")
    assert hub.get_dir() == str(tmp_path / "mine")


# ----------------------------------------------------------------------------------------------------
# a GitHub stand-in on localhost

def _zipball(top, files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(top + "/", "")
        for name, text in files.items():
            z.writestr(f"{top}/{name}", text)
    return buf.getvalue()


class _GitHub:
    def __init__(self):
        self.routes = {}
        self.hits = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits.append(self.path)
                body = server.routes.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def add_repo(self, owner, name, ref, files, branches=("main",)):
        self.routes[f"/{owner}/{name}/zipball/{ref}"] = _zipball(f"{owner}-{name}-abc123", files)
        if ref == "main":
            self.routes[f"/{owner}/{name}/tree/main/"] = b"ok"
        listing = [{"name": b, "commit": {"sha": "abc123def"}} for b in branches]
        self.routes[f"/repos/{owner}/{name}/branches?per_page=100&page=1"] = json.dumps(listing).encode()
        self.routes[f"/repos/{owner}/{name}/branches?per_page=100&page=2"] = b"[]"
        self.routes[f"/repos/{owner}/{name}/tags?per_page=100&page=1"] = b"[]"


@pytest.fixture
def github(monkeypatch):
    gh = _GitHub()
    monkeypatch.setattr(hub, "_GITHUB", gh.url)
    monkeypatch.setattr(hub, "_GITHUB_API", gh.url)
    yield gh
    gh.httpd.shutdown()
    gh.httpd.server_close()


def test_github_download_cache_and_entrypoints(github, hub_dir, capsys):
    github.add_repo("alice", "models", "main", {"hubconf.py": HUBCONF, "helper.py": "def width():\n    return 5\n"})
    m = hub.load("alice/models", "mlp", 2, trust_repo=True)
    assert m.out_features == 5
    repo_dir = hub_dir / "alice_models_main"
    assert (repo_dir / "hubconf.py").exists()
    assert (hub_dir / "trusted_list").read_text().split() == ["alice_models"]
    assert not (hub_dir / "main.zip").exists()
    assert any(h.startswith("/repos/alice/models/branches") for h in github.hits)
    assert hub.list("alice/models:main", trust_repo=True) == ["mlp", "width"]  # imported callables count too
    assert "cache" in capsys.readouterr().err
    assert hub.help("alice/models:main", "mlp", trust_repo=True) == "A one-layer MLP."
    downloads = sum(h.endswith("/zipball/main") for h in github.hits)
    assert downloads == 1
    (repo_dir / "hubconf.py").write_text("def mlp():\n    return 'cached copy'\n")
    assert hub.load("alice/models:main", "mlp", trust_repo="check") == "cached copy"
    assert hub.load("alice/models:main", "mlp", force_reload=True, skip_validation=True).out_features == 5
    assert sum(h.endswith("/zipball/main") for h in github.hits) == 2


def test_github_default_branch_and_validation(github, hub_dir):
    github.add_repo("bob", "old", "master", {"hubconf.py": "def f():\n    return 'master'\n"}, branches=("master",))
    assert hub.load("bob/old", "f", trust_repo=True) == "master"
    assert (hub_dir / "bob_old_master").is_dir()
    github.add_repo("bob", "old", "feature", {"hubconf.py": "def f():\n    return 1\n"}, branches=("master",))
    with pytest.raises(ValueError, match="Cannot find feature in"):
        hub.load("bob/old:feature", "f", trust_repo=True)
    assert hub.load("bob/old:feature", "f", trust_repo=True, skip_validation=True) == 1


def test_trust_prompt(github, hub_dir, monkeypatch):
    github.add_repo("eve", "sketchy", "main", {"hubconf.py": "def f():\n    return 'ran'\n"})
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(Exception, match="Untrusted repository"):
        hub.load("eve/sketchy:main", "f")
    assert not (hub_dir / "eve_sketchy_main").exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "maybe")
    with pytest.raises(ValueError, match="Unrecognized response maybe"):
        hub.load("eve/sketchy:main", "f", trust_repo=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert hub.load("eve/sketchy:main", "f") == "ran"
    assert "eve_sketchy" in (hub_dir / "trusted_list").read_text().split()
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked again"))
    assert hub.load("eve/sketchy:main", "f") == "ran"


def test_zip_slip_refused(github):
    github.routes["/mal/repo/zipball/main"] = _zipball("mal-repo-1", {"../../escape.py": "x = 1"})
    with pytest.raises(ValueError, match="unsafe path"):
        hub.load("mal/repo:main", "f", trust_repo=True, skip_validation=True)


def test_offline_is_a_clear_error(monkeypatch, hub_dir):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    monkeypatch.setattr(hub, "_GITHUB", f"http://127.0.0.1:{port}")
    monkeypatch.setattr(hub, "_GITHUB_API", f"http://127.0.0.1:{port}")
    with pytest.raises(URLError, match="could not download .*network access"):
        hub.load("someone/repo:main", "f", trust_repo=True, skip_validation=True)
    with pytest.raises(RuntimeError, match="no internet connection"):
        hub.load("someone/repo", "f", trust_repo=True)
    with pytest.raises(URLError, match="network access"):
        hub.load("someone/repo:main", "f", trust_repo=True)
    (hub_dir / "someone_repo_master").mkdir(parents=True)
    (hub_dir / "someone_repo_master" / "hubconf.py").write_text("def f():\n    return 'cached'\n")
    assert hub.load("someone/repo", "f", trust_repo=True) == "cached"


# ----------------------------------------------------------------------------------------------------
# downloads and checkpoints

def test_download_url_to_file(tmp_path, capsys):
    src = tmp_path / "blob.bin"
    src.write_bytes(os.urandom(300_000))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    dst = tmp_path / "out" / "blob.bin"
    dst.parent.mkdir()
    hub.download_url_to_file(src.as_uri(), str(dst), hash_prefix=digest[:10], progress=True)
    assert dst.read_bytes() == src.read_bytes()
    if importlib.util.find_spec("tqdm") is None:  # else tqdm draws its own bar
        assert "100.0%" in capsys.readouterr().err
    bad = tmp_path / "out" / "bad.bin"
    with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "0000", got "{digest}"\\)'):
        hub.download_url_to_file(src.as_uri(), str(bad), hash_prefix="0000", progress=False)
    assert sorted(os.listdir(tmp_path / "out")) == ["blob.bin"]
    with pytest.raises(URLError, match="could not download"):
        hub.download_url_to_file((tmp_path / "missing.bin").as_uri(), str(tmp_path / "x"), progress=False)


def test_load_state_dict_from_url(tmp_path, hub_dir):
    sd = ember.nn.Linear(3, 2).state_dict()
    plain = tmp_path / "weights.pt"
    ember.save(sd, plain)
    digest = hashlib.sha256(plain.read_bytes()).hexdigest()
    named = tmp_path / f"linear-{digest[:8]}.pt"
    plain.rename(named)
    out = hub.load_state_dict_from_url(named.as_uri(), check_hash=True, progress=False)
    assert list(out) == ["weight", "bias"] and ember.equal(out["weight"], sd["weight"])
    cached = hub_dir / "checkpoints" / named.name
    assert cached.exists()
    named.unlink()  # the cache is used from now on
    again = hub.load_state_dict_from_url(named.as_uri(), map_location="cpu", weights_only=True)
    assert ember.equal(again["bias"], sd["bias"])
    wrong = tmp_path / "linear-deadbeef.pt"
    ember.save(sd, wrong)
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(wrong.as_uri(), model_dir=str(tmp_path / "md"), check_hash=True,
                                     progress=False)
    other = hub.load_state_dict_from_url(wrong.as_uri(), model_dir=str(tmp_path / "md"), file_name="renamed.pt",
                                         progress=False)
    assert (tmp_path / "md" / "renamed.pt").exists() and ember.equal(other["weight"], sd["weight"])


def test_legacy_zipped_checkpoint(tmp_path, hub_dir):
    inner = tmp_path / "model.pth"
    ember.save({"w": ember.ones(2)}, inner, _use_new_zipfile_serialization=False)
    zipped = tmp_path / "model.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(inner, "model.pth")
    with pytest.warns(FutureWarning, match="old format"):
        out = hub.load_state_dict_from_url(zipped.as_uri(), progress=False, weights_only=True)
    assert out["w"].tolist() == [1.0, 1.0]
