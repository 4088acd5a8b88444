"""The hall's keeper of its effects host, where the outputs themselves cannot be reached."""

from __future__ import annotations

from pathlib import Path

from exhibit.effects.keeper import HostKeeper
from exhibit.spec.project import Project
from tests.effects.olad import free_port
from tests.effects.processes import write_project

# Broadcast without SO_BROADCAST: every send fails with "Permission denied", as an unreachable device would.
UNREACHABLE = {"effects": {"wind": {"output": "dmx", "channel": 1}},
               "outputs": {"dmx": {"kind": "artnet", "host": "255.255.255.255"}}}


def test_a_panic_that_could_not_be_carried_out_says_so(tmp_path: Path) -> None:
    write_project(tmp_path, UNREACHABLE, {})
    project = Project.at(tmp_path)
    hall = project.load_hall().model
    assert hall is not None
    keeper = HostKeeper(project, hall, project.hall_path, free_port(2))  # no host answers on this port
    try:
        result = keeper.emergency()
    finally:
        keeper.close()
    assert not result.ok
    assert result.message.startswith("PANIC not carried out: the effects host does not answer and the hall could "
                                     "not send safe values itself (artnet output 'dmx': ")
    assert (tmp_path / "var" / "run").is_dir() and keeper.files.latched(), "latched for the next host"
