#!/usr/bin/env python3
"""The baseline of `ctictl-bench config-migrate` (docs/performance.md): what a careful script
does to migrate every user.config below ROOT from 2.4.4.1 to 2.6, each file on its own and
durably: parse it (ElementTree), remove the UseTapiLine setting, write a backup (FILE.bak:
temporary file, fsync, rename), then the new content (temporary file, fsync, rename) and
fsync the directory. Usage: migrate_configs.py ROOT; prints the number of files migrated."""
import os
import sys
import xml.etree.ElementTree as ET


def write_durably(path, data, mode):
    temporary = path + ".tmp-%d" % os.getpid()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(temporary, path)


def migrate(path):
    with open(path, "rb") as file:
        original = file.read()
    root = ET.fromstring(original)
    changed = False
    for section in root.iter():
        for setting in list(section):
            if setting.tag == "setting" and setting.get("name") == "UseTapiLine":
                section.remove(setting)
                changed = True
    if not changed:
        return False
    mode = os.stat(path).st_mode & 0o7777
    write_durably(path + ".bak", original, mode)
    write_durably(path, ET.tostring(root, encoding="utf-8", xml_declaration=True), mode)
    directory = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


def main():
    migrated = 0
    for directory, _, names in os.walk(sys.argv[1]):
        if "user.config" in names and migrate(os.path.join(directory, "user.config")):
            migrated += 1
    print(migrated)


if __name__ == "__main__":
    main()
