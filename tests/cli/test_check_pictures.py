"""``exhibit check`` on staff pictures (``kind: image``): each problem located, in words.

The pictures are made here (numpy through Pillow): a missing file with a near name, a
file that is not a picture, a truncated PNG, a stretched size, a picture larger than the
limit (a note, not an error) and a plaque missing a language.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from exhibit.cli.main import main
from exhibit.spec.picture import MAX_PICTURE_SIDE
from exhibit.spec.project import Project
from tests.cli.docs_examples import strict_check

LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): (?P<msg>.+)$")

SCENE = """title: {{zh: 照片, en: Photos}}
languages: [zh, en]
duration: 20
objects:
  photo:
    kind: image
    file: {file}
    size: {size}
{extra}camera:
  keys:
    - {{at: 0, pos: [0, -6, 1.5], look_at: [0, 0, 1.5]}}
"""


def picture(path: Path, width: int, height: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ramp = np.linspace(0, 255, width, dtype=np.uint8)
    Image.fromarray(np.stack([np.tile(ramp, (height, 1))] * 3, axis=-1)).save(path)
    return path


def run(
    project: Project, capsys: pytest.CaptureFixture[str], **kwargs: str
) -> tuple[int, list[tuple[str, str, str, str]]]:
    scene = project.root / "scenes" / "photos.yaml"
    kwargs.setdefault("size", "[2, auto]")
    kwargs.setdefault("extra", "")
    scene.write_text(SCENE.format(**kwargs), encoding="utf-8")
    status = main(["--root", str(project.root), "check", str(scene)])
    out, _ = capsys.readouterr()
    found = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m and m["path"].endswith("photos.yaml") and "recording" not in m["msg"]:
            found.append((m["line"], m["col"], m["sev"], m["msg"]))
    return status, found


def test_a_good_picture_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    picture(project.root / "pictures" / "meeting.png", 400, 300)
    status, found = run(project, capsys, file="pictures/meeting.png")
    assert (status, found) == (0, [])


def test_a_missing_picture_is_located_with_the_near_name(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    picture(project.root / "pictures" / "meeting.png", 400, 300)
    status, found = run(project, capsys, file="pictures/meetng.png")
    assert status == 1
    assert found == [
        (
            "7",
            "11",
            "error",
            "picture file 'pictures/meetng.png' does not exist (did you mean 'pictures/meeting.png'?)",
        )
    ]


def test_a_file_that_is_not_a_picture_is_an_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = project.root / "pictures" / "notes.png"
    path.parent.mkdir()
    path.write_text("minutes of the meeting", encoding="utf-8")
    status, found = run(project, capsys, file="pictures/notes.png")
    assert status == 1
    assert found == [
        (
            "7",
            "11",
            "error",
            "cannot use the picture 'pictures/notes.png': it is not a PNG or JPEG picture "
            "(save it again as PNG or JPEG)",
        )
    ]


def test_a_damaged_picture_is_an_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = picture(project.root / "pictures" / "torn.png", 400, 300)
    path.write_bytes(path.read_bytes()[:200])
    status, found = run(project, capsys, file="pictures/torn.png")
    assert status == 1
    assert len(found) == 1 and found[0][:3] == ("7", "11", "error")
    assert found[0][3].startswith("cannot use the picture 'pictures/torn.png': it ")
    assert found[0][3].endswith("save it again as PNG or JPEG")


def test_a_stretched_picture_is_a_warning_that_says_how_to_keep_its_shape(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    picture(project.root / "pictures" / "meeting.png", 400, 300)
    status, found = run(project, capsys, file="pictures/meeting.png", size="[2, 1]")
    assert status == 0
    assert found == [
        (
            "8",
            "11",
            "warning",
            "'pictures/meeting.png' is 400x300 pixels but size is 2 x 1 m: the picture is "
            "stretched; write [2, auto] to keep its shape",
        )
    ]
    _, found = run(project, capsys, file="pictures/meeting.png", size="[2, 1.5]")
    assert found == []


def test_a_picture_larger_than_the_limit_is_a_note_not_an_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    picture(project.root / "pictures" / "scan.png", MAX_PICTURE_SIDE + 904, 100)
    status, found = run(project, capsys, file="pictures/scan.png")
    assert status == 0
    assert found == [
        (
            "7",
            "11",
            "note",
            f"'pictures/scan.png' is {MAX_PICTURE_SIDE + 904}x100 pixels; it is shown downscaled to "
            f"{MAX_PICTURE_SIDE} pixels on its longest side",
        )
    ]


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ("[auto, auto]", "give the width or the height in metres; only one of them may be auto"),
        ("[2, -1]", "a picture's width and height are metres greater than 0, or auto; got -1"),
        ("[2]", "expected [width, height] in metres (one may be auto), got"),
    ],
)
def test_bad_sizes_are_located(project: Project, capsys: pytest.CaptureFixture[str], size: str, words: str) -> None:
    picture(project.root / "pictures" / "meeting.png", 400, 300)
    status, found = run(project, capsys, file="pictures/meeting.png", size=size)
    assert status == 1
    assert len(found) == 1 and found[0][0] == "8" and found[0][2] == "error"
    assert words in found[0][3]


def test_a_gif_is_not_a_picture_file(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    status, found = run(project, capsys, file="pictures/meeting.gif")
    assert status == 1
    assert [f[:3] for f in found] == [("7", "11", "error")]
    assert "a picture file must end in one of .png, .jpg, .jpeg, got 'pictures/meeting.gif'" in found[0][3]


def test_a_plaque_without_every_language_is_a_warning(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    picture(project.root / "pictures" / "meeting.png", 400, 300)
    extra = "    plaque: {text: {zh: 一大会址}}\n"
    status, found = run(project, capsys, file="pictures/meeting.png", extra=extra)
    assert status == 0
    assert found[0] == ("9", "20", "warning", "the plaque of 'photo' has no 'en' text")
    # the translation sheet lists it too, as every text missing a language
    assert found[1:] == [
        (
            "9",
            "20",
            "note",
            "1 string(s) have no 'en' translation, the first here "
            "(scene:photos/objects/photo/plaque/text); 'exhibit translate export --lang en' lists them",
        )
    ]


def test_the_example_in_writing_scenes_passes_check(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    picture(project.root / "pictures" / "first_congress.jpg", 640, 427)
    picture(project.root / "pictures" / "slogan.png", 800, 200)
    assert strict_check(project, capsys, "### Your own pictures: `image`", "congress") == (0, [])


PANORAMA = """title: {{zh: 全景, en: Panorama}}
languages: [zh, en]
duration: 20
objects:
  site:
    kind: panorama
    file: {file}
    stereo: {stereo}
camera:
  keys:
    - {{at: 0, pos: [0, 0, 1.6], hpr: [0, 0, 0]}}
"""


@pytest.mark.parametrize(
    ("shape", "stereo", "words"),
    [
        ((1200, 800), "none", "'pictures/site.jpg' is 1200x800 pixels; a panorama is an equirectangular picture twice"),
        ((1200, 600), "top_bottom", "a panorama with stereo: top_bottom is two equirectangular pictures one above"),
    ],
)
def test_a_panorama_of_the_wrong_shape_is_an_error(
    project: Project, capsys: pytest.CaptureFixture[str], shape: tuple[int, int], stereo: str, words: str
) -> None:
    picture(project.root / "pictures" / "site.jpg", *shape)
    scene = project.root / "scenes" / "site.yaml"
    scene.write_text(PANORAMA.format(file="pictures/site.jpg", stereo=stereo), encoding="utf-8")
    status = main(["--root", str(project.root), "check", str(scene)])
    out, _ = capsys.readouterr()
    found = [m.groups() for m in map(LINE.match, out.splitlines()) if m and "recording" not in m["msg"]]
    assert status == 1
    assert [f[1:4] for f in found] == [("7", "11", "error")]
    assert words in found[0][4]


def test_panoramas_of_the_right_shape_pass_and_missing_ones_are_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    picture(project.root / "pictures" / "site.jpg", 1200, 600)
    picture(project.root / "pictures" / "pair.jpg", 1200, 1200)
    for file, stereo in (("pictures/site.jpg", "none"), ("pictures/pair.jpg", "top_bottom")):
        scene = project.root / "scenes" / "site.yaml"
        scene.write_text(PANORAMA.format(file=file, stereo=stereo), encoding="utf-8")
        assert main(["--root", str(project.root), "check", "--strict", str(scene)]) == 0
    scene.write_text(PANORAMA.format(file="pictures/sitee.jpg", stereo="none"), encoding="utf-8")
    assert main(["--root", str(project.root), "check", str(scene)]) == 1
    out, _ = capsys.readouterr()
    assert (
        "site.yaml:7:11: error: panorama file 'pictures/sitee.jpg' does not exist (did you mean 'pictures/site.jpg'?)"
        in out
    )


def test_the_panorama_example_in_writing_scenes_passes_check(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    picture(project.root / "panoramas" / "yanan_day.jpg", 1024, 512)
    picture(project.root / "panoramas" / "yanan_night_3d.jpg", 1024, 1024)
    assert strict_check(project, capsys, "### A 360° backdrop: `panorama`", "yanan") == (0, [])


FILM = """title: {{zh: 电影, en: Film}}
languages: [zh, en]
duration: 20
objects:
  screen:
    kind: video
    file: {file}
    size: {size}
    start: {start}
    from: {offset}
narration:
  - {{id: intro, at: 1, text: {{zh: 开始。, en: It begins.}}}}
camera:
  keys:
    - {{at: 0, pos: [0, -6, 1.5], look_at: [0, 0, 1.5]}}
"""


def film(path: Path, seconds: float = 3.0, size: str = "160x90") -> Path:
    import subprocess

    from exhibit.narration.audiofile import ffmpeg_exe

    path.parent.mkdir(parents=True, exist_ok=True)
    command = [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={size}:r=25:d={seconds}"]
    subprocess.run([*command, "-c:v", "libx264", str(path)], check=True, capture_output=True, timeout=60)
    return path


def check_film(
    project: Project, capsys: pytest.CaptureFixture[str], **fields: object
) -> tuple[int, list[tuple[str, str, str, str]]]:
    values = {"file": "films/reel.mp4", "size": "[1.6, auto]", "start": "intro.end", "offset": 0, **fields}
    scene = project.root / "scenes" / "film.yaml"
    scene.write_text(FILM.format(**values), encoding="utf-8")
    status = main(["--root", str(project.root), "check", str(scene)])
    out, _ = capsys.readouterr()
    found = [m.groups()[1:] for m in map(LINE.match, out.splitlines()) if m and "recording" not in m["msg"]]
    return status, found  # type: ignore[return-value]


def test_a_good_film_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    film(project.root / "films" / "reel.mp4")
    assert check_film(project, capsys) == (0, [])


def test_film_problems_are_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    film(project.root / "films" / "reel.mp4")
    status, found = check_film(project, capsys, file="films/reell.mp4")
    assert status == 1
    assert found == [
        ("7", "11", "error", "film file 'films/reell.mp4' does not exist (did you mean 'films/reel.mp4'?)")
    ]
    (project.root / "films" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    status, found = check_film(project, capsys, file="films/broken.mp4")
    assert status == 1 and [f[:3] for f in found] == [("7", "11", "error")]
    assert found[0][3].startswith("cannot use the film 'films/broken.mp4': ffmpeg cannot read it as a film")
    status, found = check_film(project, capsys, offset=5)
    assert status == 1
    assert found == [("10", "11", "error", "'from: 5' is past the end of 'films/reel.mp4', which lasts 3.00 s")]
    status, found = check_film(project, capsys, size="[2, 2]")
    assert status == 0
    assert found == [
        (
            "8",
            "11",
            "warning",
            "'films/reel.mp4' is 160x90 pixels but size is 2 x 2 m: the film is stretched; "
            "write [2, auto] to keep its shape",
        )
    ]
    status, found = check_film(project, capsys, start="intro.ending")
    assert status == 1 and [f[:3] for f in found] == [("9", "18", "error")]  # at the bad edge
    status, found = check_film(project, capsys, start="intr.end")
    assert (status, found) == (
        1,
        [("9", "12", "error", "unknown narration line or cue 'intr' in 'intr.end' (did you mean 'intro'?)")],
    )


def test_the_film_example_in_writing_scenes_passes_check(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    film(project.root / "films" / "newsreel.mp4", seconds=20.0, size="320x240")
    assert strict_check(project, capsys, "### A film on a screen: `video`", "newsreel") == (0, [])


def test_pictures_count_in_the_memory_budget_by_their_pixels(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    big = project.root / "pictures" / "big.png"
    big.parent.mkdir()
    Image.fromarray(np.full((4096, 4096, 3), 90, np.uint8)).save(big)
    picture(project.root / "pictures" / "small.png", 400, 300)

    def walls(n: int) -> str:
        return "".join(f"  wall{i}: {{kind: image, file: pictures/big.png, pos: [{i * 3}, 8, 2]}}\n" for i in range(n))

    scene = project.root / "scenes" / "gallery.yaml"
    head = "title: {zh: 画廊, en: Gallery}\nlanguages: [zh, en]\nduration: 10\nobjects:\n"
    tail = "camera:\n  keys:\n    - {at: 0, pos: [0, 0, 1.6], hpr: [0, 0, 0]}\n"
    scene.write_text(head + walls(3) + tail, encoding="utf-8")
    assert main(["--root", str(project.root), "check", str(scene)]) == 0  # 3 x 86 MB: fits
    capsys.readouterr()
    scene.write_text(head + walls(4) + tail, encoding="utf-8")
    assert main(["--root", str(project.root), "check", str(scene)]) == 1  # 4 x 86 MB: does not
    out, _ = capsys.readouterr()
    # 4096 x 4096 RGBA with mipmaps and a megabyte for the card: 86.3 MB each, beside 330 MB
    assert "gallery.yaml:5:3: error: the scene's objects need about 675 MB to render" in out
    assert "'wall0' (image) 86 MB" in out and "use smaller pictures" in out
    small = "".join(f"  s{i}: {{kind: image, file: pictures/small.png, pos: [{i}, 8, 2]}}\n" for i in range(30))
    scene.write_text(head + small + tail, encoding="utf-8")
    assert main(["--root", str(project.root), "check", str(scene)]) == 0, "30 small pictures cost 30 MB"
