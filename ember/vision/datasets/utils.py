"""Download, integrity and archive helpers of the data sets (``torchvision.datasets.utils``)."""
import bz2
import gzip
import hashlib
import lzma
import os
import os.path
import pathlib
import re
import tarfile
import urllib.error
import urllib.request
import zipfile
from urllib.parse import urlparse

import numpy as np

USER_AGENT = "pytorch/vision"

__all__ = ["calculate_md5", "check_md5", "check_integrity", "download_url", "list_dir", "list_files",
           "download_file_from_google_drive", "extract_archive", "download_and_extract_archive", "iterable_to_str",
           "verify_str_arg"]


def _urlretrieve(url, filename, chunk_size=1024 * 32):
    """Stream ``url`` into ``filename`` with a progress bar on stderr (tqdm when installed)."""
    from ...hub import _progress
    with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": USER_AGENT})) as response:
        length = response.headers.get("Content-Length")
        with open(filename, "wb") as fh, _progress(int(length) if length else None, False) as pbar:
            while chunk := response.read(chunk_size):
                fh.write(chunk)
                pbar.update(len(chunk))


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True when ``fpath`` is a file and (if given) its MD5 is ``md5``."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def _all_intact(folder, files):
    """True when every ``[filename, md5]`` of ``files`` is in ``folder`` with that MD5 (stops at the first miss)."""
    return all(check_integrity(os.path.join(folder, filename), md5) for filename, md5 in files)


def _get_redirect_url(url, max_hops=3):
    initial_url = url
    headers = {"Method": "HEAD", "User-Agent": USER_AGENT}
    for _ in range(max_hops + 1):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            if response.url == url or response.url is None:
                return url
            url = response.url
    raise RecursionError(f"Request to {initial_url} exceeded {max_hops} redirects. The last redirect points to {url}.")


def _get_google_drive_file_id(url):
    parts = urlparse(url)
    if re.match(r"(drive|docs)[.]google[.]com", parts.netloc) is None:
        return None
    match = re.match(r"/file/d/(?P<id>[^/]*)", parts.path)
    if match is None:
        return None
    return match.group("id")


def _offline_error(url, fpath, md5, err):
    """The download's URLError, extended with where to put the file by hand."""
    where = f"Place the file at {fpath}" + (f" (MD5 {md5})" if md5 else "")
    return urllib.error.URLError(f"could not download {url}: {getattr(err, 'reason', err)}. Downloading needs "
                                 f"network access; otherwise fetch the file elsewhere. {where}.")


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download ``url`` into ``root/filename`` (skipped when a file with the right MD5 is already there), with a
    progress bar; RuntimeError when the result's MD5 does not match."""
    root = os.path.expanduser(root)
    if not filename:
        filename = os.path.basename(url)
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    try:
        url = _get_redirect_url(url, max_hops=max_redirect_hops)
    except (urllib.error.URLError, OSError) as e:
        raise _offline_error(url, fpath, md5, e) from e
    file_id = _get_google_drive_file_id(url)
    if file_id is not None:
        return download_file_from_google_drive(file_id, root, filename, md5)
    try:
        _urlretrieve(url, fpath)
    except (urllib.error.URLError, OSError) as e:
        if url[:5] != "https":
            raise _offline_error(url, fpath, md5, e) from e
        try:
            _urlretrieve(url.replace("https:", "http:"), fpath)
        except (urllib.error.URLError, OSError) as e2:
            raise _offline_error(url, fpath, md5, e2) from e2
    if not check_integrity(fpath, md5):
        raise RuntimeError("File not found or corrupted.")


def list_dir(root, prefix=False):
    """The directories in ``root`` (with the root prepended when ``prefix``)."""
    root = os.path.expanduser(root)
    directories = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    if prefix is True:
        directories = [os.path.join(root, d) for d in directories]
    return directories


def list_files(root, suffix, prefix=False):
    """The files in ``root`` ending with ``suffix``."""
    root = os.path.expanduser(root)
    files = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    if prefix is True:
        files = [os.path.join(root, d) for d in files]
    return files


def download_file_from_google_drive(file_id, root, filename=None, md5=None):
    """Download a Google Drive file (needs the ``gdown`` package)."""
    try:
        import gdown
    except ModuleNotFoundError:
        raise RuntimeError(
            "To download files from GDrive, 'gdown' is required. You can install it with 'pip install gdown'.")
    root = os.path.expanduser(root)
    if not filename:
        filename = file_id
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    gdown.download(id=file_id, output=fpath, quiet=False, user_agent=USER_AGENT)
    if not check_integrity(fpath, md5):
        raise RuntimeError("File not found or corrupted.")


def _extract_tar(from_path, to_path, compression):
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(to_path, filter="data")
        else:
            tar.extractall(to_path)


_ZIP_COMPRESSION_MAP = {".bz2": zipfile.ZIP_BZIP2, ".xz": zipfile.ZIP_LZMA}


def _extract_zip(from_path, to_path, compression):
    with zipfile.ZipFile(from_path, "r",
                         compression=_ZIP_COMPRESSION_MAP[compression] if compression else zipfile.ZIP_STORED) as zf:
        zf.extractall(to_path)


_ARCHIVE_EXTRACTORS = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file):
    """(suffix, archive type, compression) from the file name, e.g. ('.tar.gz', '.tar', '.gz')."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(
            f"File '{file}' has no suffixes that could be used to detect the archive type and compression.")
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1:
            suffix2 = suffixes[-2]
            if suffix2 in _ARCHIVE_EXTRACTORS:
                return suffix2 + suffix, suffix2, suffix
        return suffix, None, suffix
    valid_suffixes = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_EXTRACTORS) | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{valid_suffixes}'.")


def _decompress(from_path, to_path=None, remove_finished=False):
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not compression:
        raise RuntimeError(f"Couldn't detect a compression from suffix {suffix}.")
    if to_path is None:
        to_path = pathlib.Path(os.fspath(from_path).replace(suffix, archive_type if archive_type is not None else ""))
    with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as rfh, open(to_path, "wb") as wfh:
        wfh.write(rfh.read())
    if remove_finished:
        os.remove(from_path)
    return pathlib.Path(to_path)


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a .tar/.zip archive (optionally .gz/.bz2/.xz compressed) or decompress a single compressed file
    into ``to_path`` (default: the archive's directory); returns the extraction path."""

    def path_or_str(ret_path):
        return os.fspath(ret_path) if isinstance(from_path, str) else ret_path

    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not archive_type:
        ret_path = _decompress(from_path, os.path.join(to_path, os.path.basename(from_path).replace(suffix, "")),
                               remove_finished=remove_finished)
        return path_or_str(ret_path)
    _ARCHIVE_EXTRACTORS[archive_type](from_path, to_path, compression)
    if remove_finished:
        os.remove(from_path)
    return path_or_str(pathlib.Path(to_path))


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """``download_url`` then ``extract_archive`` (into ``extract_root``, default the download root)."""
    download_root = os.path.expanduser(download_root)
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    extract_archive(archive, extract_root, remove_finished)


def iterable_to_str(iterable):
    return "'" + "', '".join([str(item) for item in iterable]) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is a str among ``valid_values``; ValueError otherwise."""
    if not isinstance(value, str):
        msg = ("Expected type str, but got type {type}." if arg is None
               else "Expected type str for argument {arg}, but got type {type}.")
        raise ValueError(msg.format(type=type(value), arg=arg))
    if valid_values is None:
        return value
    if value not in valid_values:
        if custom_msg is not None:
            msg = custom_msg
        else:
            msg = "Unknown value '{value}' for argument {arg}. Valid values are {{{valid_values}}}."
            msg = msg.format(value=value, arg=arg, valid_values=iterable_to_str(valid_values))
        raise ValueError(msg)
    return value


def _read_pfm(file_name, slice_channels=2):
    """A PFM (portable float map) image as a float32 [C, H, W] array (first ``slice_channels`` channels)."""
    with open(file_name, "rb") as f:
        header = f.readline().rstrip()
        if header not in [b"PF", b"Pf"]:
            raise ValueError("Invalid PFM file")
        dim_match = re.match(rb"^(\d+)\s(\d+)\s$", f.readline())
        if not dim_match:
            raise Exception("Malformed PFM header.")
        w, h = (int(dim) for dim in dim_match.groups())
        scale = float(f.readline().rstrip())
        endian = "<" if scale < 0 else ">"
        data = np.fromfile(f, dtype=endian + "f")
    pfm_channels = 3 if header == b"PF" else 1
    data = data.reshape(h, w, pfm_channels).transpose(2, 0, 1)
    data = np.flip(data, axis=1)
    return data[:slice_channels, :, :].astype(np.float32)
