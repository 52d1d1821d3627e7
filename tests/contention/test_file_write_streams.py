"""TL501 on a byte or text stream copied in chunks (issue 16, octoprint's timelapse
capture): ``for chunk in snapshot: f.write(chunk); f.flush()`` flushes once per chunk.
A loop whose item is named ``chunk`` used to count as a batch loop and hid the flush;
a batch of records (joined or iterated before the write) still does. Run through the
real CLI."""

from __future__ import annotations

from expectations import findings_here, lines_in, write_files


def _findings(run_cli) -> list[tuple[str, int, str]]:
    return findings_here(run_cli, "--preview", "--select", "TL501")


def test_a_flush_per_streamed_chunk_is_reported(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "capture.py": """\
                import os


                def capture(webcam, filename):
                    snapshot = webcam.take_snapshot()
                    with open(filename, "wb") as f:
                        for chunk in snapshot:
                            if chunk:
                                f.write(chunk)
                                f.flush()


                def download(response, path):
                    with open(path, "ab") as out:
                        for chunk in response.iter_content(chunk_size=1024):
                            out.write(chunk)
                            os.fsync(out.fileno())
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "capture.py") == [10, 17]
    messages = {line: message for _, line, message in found}
    assert messages[10].startswith("`flush()` on every pass of the loop over `snapshot`")
    assert messages[17].startswith("`os.fsync()` on every pass of the loop over")


def test_a_flush_once_after_the_streamed_chunks_is_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "capture.py": """\
                def capture(webcam, filename):
                    snapshot = webcam.take_snapshot()
                    with open(filename, "wb") as f:
                        for chunk in snapshot:
                            if chunk:
                                f.write(chunk)
                        f.flush()
                """,
        },
    )
    assert _findings(run_cli) == []


def test_a_flush_per_batch_of_records_stays_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "export.py": """\
                def chunks(rows, size):
                    return [rows[i : i + size] for i in range(0, len(rows), size)]


                def export(rows, path):
                    with open(path, "w") as f:
                        for chunk in chunks(rows, 500):
                            f.write("".join(chunk))
                            f.flush()
                        for batch in chunks(rows, 500):
                            for row in batch:
                                f.write(row)
                            f.flush()


                def spool(pieces, path, log):
                    with open(path, "w") as f:
                        for chunk in pieces:
                            log.write(chunk)
                            f.flush()
                """,
        },
    )
    assert _findings(run_cli) == []


def test_a_writer_method_that_reopens_its_file_per_call_is_reported(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "writer.py": """\
                import logging


                class FileWriter:
                    def __init__(self, path, overwrite):
                        self.path = str(path)
                        self.overwrite = overwrite

                    def write(self, s):
                        with open(self.path, "w" if self.overwrite else "a") as f:
                            f.write(s)
                        self.overwrite = False


                class LineHandler(logging.Handler):
                    def emit(self, record):
                        open(self.baseFilename, "a").write(self.format(record) + "\\n")


                def export(events, path, overwrite):
                    for event in events:
                        with open(path, "w" if overwrite else "a") as out:
                            out.write(event)
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "writer.py") == [10, 17, 22]
    messages = {line: message for _, line, message in found}
    assert messages[10].startswith("a file opened for append on every call of `write()`")
    assert messages[17].startswith("a file opened for append on every call of `emit()`")
    assert messages[22].startswith("a file opened for append on every pass of the loop")


def test_a_writer_that_keeps_its_file_open_is_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "writer.py": """\
                class FileWriter:
                    def __init__(self, path, overwrite):
                        self._file = open(path, "w" if overwrite else "a")

                    def write(self, s):
                        self._file.write(s)

                    def close(self):
                        self._file.close()
                """,
        },
    )
    assert _findings(run_cli) == []


def test_near_misses_a_lazy_open_a_batch_sink_another_method_and_a_write_mode(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "writer.py": """\
                class LazyWriter:
                    def __init__(self, path):
                        self.path = path
                        self._file = None

                    def write(self, s):
                        if self._file is None:
                            self._file = open(self.path, "a")
                        self._file.write(s)


                class Report:
                    def save(self, text):
                        with open(self.path, "a") as f:
                            f.write(text)


                def write(s, path):
                    with open(path, "a") as f:
                        f.write(s)


                class CsvSink:
                    def write(self, batch):
                        with open(self.path, "a") as f:
                            for item in batch:
                                f.write(f"{item.key},{item.value}\\n")


                def export(events, folder, binary):
                    for name, event in events.items():
                        with open(f"{folder}/{name}", "wb" if binary else "w") as out:
                            out.write(event)
                """,
        },
    )
    assert _findings(run_cli) == []
