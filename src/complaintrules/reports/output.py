"""Writing output files safely: checked before the run, written whole or not at all.

Every command that writes a file (``cases --output/--summary``, ``self-assess`` and
``action-plan --output``, ``monitor --export``) goes through here:

- :func:`check_destinations` runs before any input is read or any work is done. It refuses
  an output that is the same file as an input (also through a symlink or a second path to
  the same file), two outputs that are the same file, and a destination whose folder is
  missing, is not a folder or cannot be written to.
- :func:`atomic_writer` (and :func:`write_atomic`) write into a temporary file in the
  destination's folder and rename it over the destination only once everything was written,
  so a crash, a kill or a full disk leaves the previous file as it was. On an error the
  temporary file is removed. A destination that exists and is not a regular file (a pipe,
  ``/dev/stdout``) cannot be replaced and is written directly.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, overload

__all__ = [
    "OutputError",
    "atomic_writer",
    "check_destinations",
    "format_for_output",
    "write_atomic",
]


class OutputError(ValueError):
    """An output destination that cannot or must not be written (a usage error, exit 2)."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        # One of them does not exist (yet): the same file only if both paths resolve alike.
        return a.resolve() == b.resolve()


def check_destinations(
    outputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
    inputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
) -> None:
    """Refuse, before anything is read or written, outputs that would lose data or fail.

    ``outputs`` and ``inputs`` are (option, path) pairs, the option naming the command-line
    argument in messages; a ``None`` path is skipped, and so is ``-`` (standard input).
    Raises :class:`OutputError` naming the path (and the input it would overwrite).
    """
    given_inputs = [(opt, Path(p)) for opt, p in inputs if p is not None and str(p) != "-"]
    seen: list[tuple[str, Path]] = []
    for option, raw in outputs:
        if raw is None:
            continue
        path = Path(raw)
        for in_option, source in given_inputs:
            if _same_file(path, source):
                raise OutputError(
                    f"{option} {path} is the same file as the input {in_option} {source}; "
                    "writing it would destroy the input: choose another output file"
                )
        for other_option, other in seen:
            if _same_file(path, other):
                raise OutputError(
                    f"{option} {path} and {other_option} {other} are the same file: "
                    "give each output its own file"
                )
        seen.append((option, path))
        _check_writable(option, path)


def _check_writable(option: str, path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{option} {path} is a folder; expected a file name")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise OutputError(f"{option} {path}: the file exists and cannot be written to")
        if not path.is_file():
            return  # a pipe or device: written directly, its folder does not matter
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"{option} {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: the folder {folder} cannot be written to")


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["w"] = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["wb"], *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_writer(
    path: str | os.PathLike[str], mode: str = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """A file handle to write ``path`` whole: text (UTF-8) for ``"w"``, bytes for ``"wb"``.

    The content goes to a temporary file in the same folder, which replaces ``path`` when
    the ``with`` block ends without an error; on an error it is removed and ``path`` is
    left as it was. An ``OSError`` in the block (a full disk, say) is re-raised as
    :class:`OutputError` naming ``path``.
    """
    return _atomic(Path(path), mode, newline)


@contextlib.contextmanager
def _atomic(path: Path, mode: str, newline: str | None) -> Iterator[IO[Any]]:
    encoding = None if "b" in mode else "utf-8"
    if path.is_symlink():  # write through the link, as opening the path would
        path = Path(os.path.realpath(path))
    try:
        special = path.exists() and not path.is_file()
    except OSError:
        special = False
    if special:  # a pipe or a device cannot be replaced by a rename
        with path.open(mode, encoding=encoding, newline=newline) as direct:
            yield direct
        return
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never follow or reuse something already there; 0o666 lets the umask decide.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        handle = os.fdopen(fd, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        temporary.unlink()
        raise
    try:
        with handle:
            with contextlib.suppress(OSError):
                temporary.chmod(stat.S_IMODE(path.stat().st_mode))  # keep the old mode
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            # Only writes happen inside the block: a full disk or a lost folder, say.
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` whole or not at all."""
    if isinstance(content, bytes):
        with atomic_writer(path, "wb") as binary:
            binary.write(content)
    else:
        with atomic_writer(path, "w") as text:
            text.write(content)


def format_for_output(
    option: str,
    path: str | os.PathLike[str] | None,
    given: str | None,
    suffixes: Mapping[str, str],
    default: str,
) -> str:
    """The format to write ``path`` in: ``given`` (``--format``), else the one its suffix
    names (``suffixes`` maps a lower-case suffix such as ``.csv`` to a format), else
    ``default`` when there is no file or it has no suffix.

    A suffix that names no format we write (``x.pdf``), or names another format than
    ``given``, raises :class:`OutputError` listing the suffixes of each format: a file's
    name must not promise a format its content is not in.
    """
    if path is None:
        return given or default
    suffix = Path(path).suffix.lower()
    if not suffix:
        return given or default
    named = suffixes.get(suffix)
    if named is not None and (given is None or given == named):
        return named
    by_format: dict[str, list[str]] = {}
    for known, fmt in suffixes.items():
        by_format.setdefault(fmt, []).append(known)
    listed = "; ".join(f"{fmt}: {', '.join(known)}" for fmt, known in by_format.items())
    if named is None:
        problem = f"the suffix {suffix!r} names no format this command writes"
    else:
        problem = f"the suffix {suffix!r} is for {named}, not --format {given}"
    raise OutputError(f"{option} {path}: {problem} (suffixes by format: {listed})")
