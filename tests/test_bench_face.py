"""benchmarks/bench_face.py labels its speed-ups by what each side was given."""

import re

from benchmarks import bench_face


def test_speed_up_is_reported_on_the_same_input_and_against_the_1080p_original():
    """Both comparisons are printed, each saying which photo each side ran on."""
    lines = bench_face.compare_one_to_one(runs=2)
    text = "\n".join(lines)
    same = [line for line in lines if line.startswith("speed-up, same input")]
    original = [line for line in lines if line.startswith("speed-up, different inputs")]
    assert len(same) == 1 and "640x480 crop" in same[0]
    assert len(original) == 1 and "1920x1080 original" in original[0] and "640x480 crop" in original[0]
    for line in same + original:
        assert re.search(r"wall \d+\.\dx, cpu \d+\.\dx", line)
    assert "face_recognition defaults, same 640x480 crop" in text
    assert "face_recognition defaults, 1920x1080 original" in text
