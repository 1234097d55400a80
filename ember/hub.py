"""``torch.hub``: load models published as a ``hubconf.py`` in a GitHub repository or a local directory, and
download checkpoints into a local cache.

The cache follows torch's layout under :func:`get_dir` (``$EMBER_HOME/hub``, else
``$XDG_CACHE_HOME/ember/hub``, else ``~/.cache/ember/hub``): repositories in ``<owner>_<repo>_<ref>``,
checkpoints in ``checkpoints/``, trusted repositories in ``trusted_list``.  Downloads go to a
``.partial`` file beside the target, are checked against ``hash_prefix`` (SHA-256) and renamed into
place only when complete.  GitHub needs the network; without it the error says so (and a cached
repository is used when one exists).
"""
import contextlib
import errno
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_EMBER_HOME = "EMBER_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
# where GitHub repositories are fetched from (module attributes so a mirror can be used)
_GITHUB = "https://github.com"
_GITHUB_API = "https://api.github.com"

_hub_dir = None


def get_dir():
    """The hub cache directory: the one given to :func:`set_dir`, else ``$EMBER_HOME/hub``, else
    ``$XDG_CACHE_HOME/ember/hub`` (``~/.cache/ember/hub``)."""
    if _hub_dir is not None:
        return _hub_dir
    home = os.getenv(ENV_EMBER_HOME)
    if home is None:
        home = os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "ember")
    return os.path.join(os.path.expanduser(home), "hub")


def set_dir(d):
    """Use ``d`` as the hub cache directory from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


# ----------------------------------------------------------------------------------------------------
# downloads

class _PlainProgress:
    """A percentage on stderr, for when ``tqdm`` is not installed."""

    def __init__(self, total=None, disable=False, **kwargs):
        self.total, self.disable, self.n = total, disable, 0

    def update(self, n):
        if self.disable:
            return
        self.n += n
        if self.total:
            sys.stderr.write(f"\r{100 * self.n / self.total:.1f}%")
        else:
            sys.stderr.write(f"\r{self.n} bytes")
        sys.stderr.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.disable:
            sys.stderr.write("\n")


def _progress(total, disable):
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainProgress(total=total, disable=disable)
    return tqdm(total=total, disable=disable, unit="B", unit_scale=True, unit_divisor=1024)


def _network_error(url, err):
    """torch's exception type (URLError), with a message that says what is wrong and what to do."""
    reason = getattr(err, "reason", err)
    return URLError(f"ember.hub could not download {url}: {reason}. Downloading needs network access; for a "
                    "repository you have locally use source='local', or put the file in the cache yourself.")


def _urlopen(request):
    url = request.full_url if isinstance(request, Request) else request
    try:
        return urlopen(request)
    except HTTPError:
        raise
    except OSError as e:  # URLError included
        raise _network_error(url, e) from e


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to the path ``dst``.

    The data goes to ``dst.<random>.partial`` and is renamed to ``dst`` once complete; if ``hash_prefix``
    is given, the SHA-256 hex digest must start with it (else RuntimeError, nothing is left behind).
    ``progress`` shows a bar on stderr (tqdm when installed).
    """
    dst = os.path.expanduser(os.fspath(dst))
    for _ in range(tempfile.TMP_MAX):
        tmp = f"{dst}.{uuid.uuid4().hex}.partial"
        try:
            f = open(tmp, "xb")
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
    try:
        with f, _urlopen(Request(url, headers={"User-Agent": "ember.hub"})) as u:
            length = u.headers.get("Content-Length")
            total = int(length) if length else None
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            with _progress(total, not progress) as bar:
                while True:
                    chunk = u.read(READ_DATA_CHUNK)
                    if not chunk:
                        break
                    f.write(chunk)
                    if sha256 is not None:
                        sha256.update(chunk)
                    bar.update(len(chunk))
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _is_legacy_zip_format(filename):
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infos = zf.infolist()
        return len(infos) == 1 and not infos[0].is_dir()
    return False


def _safe_extract_zip(zf, target):
    """Extract every member of ``zf`` under ``target``, refusing absolute paths and ``..`` (zip slip)."""
    root = os.path.realpath(target)
    for member in zf.infolist():
        name = member.filename
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise ValueError(f"Archive entry has an unsafe path: {name}")
        out = os.path.realpath(os.path.join(root, name))
        if os.path.commonpath([root, out]) != root:
            raise ValueError(f"Archive entry escapes target directory: {name}")
        zf.extract(member, root)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """Load the checkpoint at ``url`` (downloading it into ``model_dir``, default ``<hub_dir>/checkpoints``,
    unless already there) with :func:`ember.load`.

    ``check_hash``: the file name's ``-<sha256 prefix>.`` part must match the downloaded data.  A
    checkpoint zipped on its own (the pre-1.6 convention) is extracted first.  ``weights_only`` defaults
    to False, as in torch: pass True for checkpoints from sources you do not fully trust.
    """
    from .serialization import load as _load
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in favor of default "
                      "zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile "
                      "format.", FutureWarning, stacklevel=2)
        with zipfile.ZipFile(cached_file) as zf:
            member = zf.infolist()[0].filename
            _safe_extract_zip(zf, model_dir)
        cached_file = os.path.join(model_dir, member)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


# ----------------------------------------------------------------------------------------------------
# repositories

@contextlib.contextmanager
def _add_to_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, f"no {MODULE_HUBCONF} in {repo_dir}", path)
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_dependencies(module):
    deps = getattr(module, VAR_DEPENDENCY, None)
    if deps is not None:
        missing = [pkg for pkg in deps if importlib.util.find_spec(pkg) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def _load_entry_from_hubconf(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    _check_dependencies(module)
    func = getattr(module, model, None) if model in dir(module) else None
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _read_url(request):
    with _urlopen(request) as r:
        return r.read().decode(r.headers.get_content_charset("utf-8"))


def _parse_repo_info(github):
    """(owner, repo, ref) from ``owner/repo[:ref]``; without a ref, 'main' if the repository has that branch,
    else 'master' (offline: whichever is cached)."""
    repo_info, _, ref = github.partition(":")
    if repo_info.count("/") != 1 or not all(repo_info.split("/")):
        raise ValueError(f'Invalid GitHub repository "{github}": expected "repo_owner/repo_name[:ref]"')
    owner, name = repo_info.split("/")
    if ref:
        return owner, name, ref
    try:
        with urlopen(f"{_GITHUB}/{owner}/{name}/tree/main/"):
            return owner, name, "main"
    except HTTPError as e:
        if e.code == 404:
            return owner, name, "master"
        raise
    except (URLError, OSError) as e:
        for candidate in ("main", "master"):
            if os.path.exists(os.path.join(get_dir(), f"{owner}_{name}_{candidate}")):
                return owner, name, candidate
        raise RuntimeError("It looks like there is no internet connection and the repo could not be found in the "
                           f"cache ({get_dir()}): {getattr(e, 'reason', e)}") from e


def _validate_not_a_forked_repo(owner, name, ref):
    """The ref must be a branch, tag or commit of ``owner/name`` itself (not of a fork, whose commits GitHub
    also serves under the parent's URL)."""
    headers = {"Accept": "application/vnd.github.v3+json"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    for kind in ("branches", "tags"):
        page = 0
        while True:
            page += 1
            url = f"{_GITHUB_API}/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
            try:
                response = json.loads(_read_url(Request(url, headers=headers)))
            except HTTPError:
                headers.pop("Authorization", None)
                response = json.loads(_read_url(Request(url, headers=headers)))
            if not response:
                break
            for item in response:
                if item["name"] == ref or item["commit"]["sha"].startswith(ref):
                    return
    raise ValueError(f"Cannot find {ref} in {_GITHUB}/{owner}/{name}. If it's a commit from a forked repo, please "
                     "call hub.load() with forked repo directly.")


def _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    path = os.path.join(hub_dir, "trusted_list")
    if not os.path.exists(path):
        open(path, "a").close()
    with open(path) as f:
        trusted = {line.strip() for line in f}
    owner_name = f"{owner}_{name}"
    # a repository downloaded before the trusted list existed counts as trusted (as in torch)
    downloaded = set(next(os.walk(hub_dir))[1])
    is_trusted = owner_name in trusted or owner_name_branch in downloaded or owner in _TRUSTED_REPO_OWNERS
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(f"The repository {owner_name} does not belong to the list of trusted repositories and as "
                         "such cannot be downloaded. Do you trust this repository and wish to add it to the trusted "
                         "list of repositories (y/N)?")
        if response.lower() in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(path, "a") as f:
            f.write(owner_name + "\n")


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    """The directory holding ``github``'s code: cached, else downloaded as a zipball and extracted."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _parse_repo_info(github)
    normalized_ref = ref.replace("/", "_")
    owner_name_branch = f"{owner}_{name}_{normalized_ref}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    cached_zip = os.path.join(hub_dir, normalized_ref + ".zip")
    if os.path.exists(cached_zip):
        os.remove(cached_zip)
    url = f"{_GITHUB}/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_zip}\n')
    try:
        download_url_to_file(url, cached_zip, progress=False)
    except HTTPError as e:
        if e.code != 300:
            raise
        warnings.warn(f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the repo? Torchhub "
                      "will now assume that it's a branch. You can disambiguate tags and branches by explicitly "
                      "passing refs/heads/branch_name or refs/tags/tag_name as the ref. That might require using "
                      "skip_validation=True.", stacklevel=3)
        download_url_to_file(f"{_GITHUB}/{owner}/{name}/zipball/refs/heads/{ref}", cached_zip, progress=False)
    try:
        with zipfile.ZipFile(cached_zip) as zf:
            top = zf.infolist()[0].filename.split("/")[0]
            extracted = os.path.join(hub_dir, top)
            _remove(extracted)
            _safe_extract_zip(zf, hub_dir)
    finally:
        _remove(cached_zip)
    _remove(repo_dir)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _remove(path):
    if os.path.isfile(path) or os.path.islink(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    """The entrypoints (public callables) of ``github``'s ``hubconf.py`` (``owner/repo[:ref]``)."""
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=verbose,
                                    skip_validation=skip_validation)
    with _add_to_sys_path(repo_dir):
        module = _import_hubconf(repo_dir)
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    """The docstring of entrypoint ``model`` in ``github``'s ``hubconf.py``."""
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=skip_validation)
    with _add_to_sys_path(repo_dir):
        module = _import_hubconf(repo_dir)
    return _load_entry_from_hubconf(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Call entrypoint ``model`` of a ``hubconf.py`` with ``*args, **kwargs`` and return its result.

    ``source='github'``: ``repo_or_dir`` is ``owner/repo[:ref]``, downloaded into the cache (or reused);
    ``source='local'``: a directory containing ``hubconf.py``.  The hubconf's ``dependencies`` list must
    be importable.  ``trust_repo``: 'check' (ask before running an untrusted repository's code), True (trust
    it) or False (always ask); answers are remembered in ``<hub_dir>/trusted_list``.
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(repo_or_dir, force_reload, trust_repo, verbose=verbose,
                                           skip_validation=skip_validation)
    return _load_local(os.fspath(repo_or_dir), model, *args, **kwargs)


def _load_local(hubconf_dir, model, *args, **kwargs):
    with _add_to_sys_path(hubconf_dir):
        module = _import_hubconf(hubconf_dir)
        entry = _load_entry_from_hubconf(module, model)
        return entry(*args, **kwargs)
