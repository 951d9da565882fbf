"""A long intake says where it stands: files and rows done, the rate, and the time left by the bytes still to read."""

from pipelines.assets.gemeente_files import Progress


def test_progress_lines_come_every_half_minute_with_the_time_left_by_bytes():
    times = iter([0.0, 40.0, 50.0, 70.0, 80.0])
    progress = Progress("zorg", files=3, total_bytes=400, clock=lambda: next(times))
    # 40 s for the first 100 of 400 bytes: 300 bytes left take about 120 s
    assert progress.file_done(100, 1_000) == "zorg: 1 of 3 files, 1,000 rows in 40 s (25 rows/s); about 2 min left"
    assert progress.file_done(100, 500) is None  # 10 s after the last line
    assert progress.file_done(200, 1_500) is None  # the last file: the asset's closing line says it
    assert progress.rate() == "3,000 rows in 80 s (38 rows/s)"
