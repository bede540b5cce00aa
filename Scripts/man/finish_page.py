#!/usr/bin/env python3
"""Turns a page from swift-argument-parser's generate-manual into one of Documentation/man's pages.

Usage: finish_page.py GENERATED PAGE_NAME SECTIONS > PAGE

GENERATED is generate-manual's mdoc for one command; PAGE_NAME the page's file name without ".1" (sockdiag-list);
SECTIONS an mdoc file written by hand (ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES, ...) that goes before SEE ALSO.
What changes: the title and cross-references use PAGE_NAME's spelling (sockdiag-list, not sockdiag.list), the
help subcommand's page is dropped, the generic `.Ex -std` gives way to the hand-written EXIT STATUS, each sentence
starts a line and blank lines become paragraphs (mandoc -Tlint's warnings), and SEE ALSO gains ss(8).
"""

import re
import sys

SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]'\"`][.!?]) +(?=[A-Z`(\"'])")


def page_name(reference):
    """sockdiag.bind-check -> sockdiag-bind-check; sockdiag exporter -> sockdiag-exporter."""
    return reference.replace(".", "-").replace(" ", "-")


def text_line(line):
    """One sentence per line; a line that would start with a control character is escaped."""
    pieces = SENTENCE_END.split(line)
    return ["\\&" + piece if piece[:1] in (".", "'") else piece for piece in pieces]


def finish(generated, name, sections):
    out = []
    in_synopsis = False
    skip_section = False
    command = None  # the command's name as typed (`"sockdiag list"`), for SYNOPSIS
    help_depth = None  # inside the `help` subcommand's item: the .Bl depth it ends at
    depth = 0
    for line in generated.splitlines():
        depth += line.startswith(".Bl ") - (line == ".El")
        if line == ".It Em help":
            help_depth = depth
            continue
        if help_depth is not None:
            if depth < help_depth or (depth == help_depth and line.startswith(".It ")):
                help_depth = None
            else:
                continue
        if line.startswith(".Sh "):
            title = line[4:].strip('"')
            skip_section = title == "EXIT STATUS"
            in_synopsis = title == "SYNOPSIS"
            if title in ("SEE ALSO", "AUTHORS") and sections is not None:
                out.extend(sections.rstrip("\n").splitlines())
                sections = None
            if skip_section:
                continue
        if skip_section:
            continue
        if line.startswith(".Dt "):
            out.append(f".Dt {name.upper()} 1")
        elif line.startswith(".Nm ") and not in_synopsis:
            # NAME holds the page's name (whatis, `man sockdiag-list`); SYNOPSIS the command as typed.
            command = line[4:]
            out.append(f".Nm {name}")
        elif line == ".Nm" and in_synopsis and command is not None and name != "sockdiag-exporter":
            out.append(f".Nm {command}")
            command = None
        elif line.startswith(".Nd "):
            out.append(line.rstrip('."') + '"' if line.endswith('"') else line.rstrip("."))
        elif in_synopsis and line == ".Ar subcommand" and name == "sockdiag-exporter":
            continue  # the exporter has no subcommand; generate-manual names one for a root command
        elif line.startswith(".Xr "):
            match = re.match(r'\.Xr "?([^"]+?)"? (\d)( ,)?$', line)
            if match and match.group(1).endswith((".help", " help")):
                continue
            if match:
                out.append(f".Xr {page_name(match.group(1))} {match.group(2)} ,")
            else:
                out.append(line)
        elif line == "":
            out.append(".Pp")
        elif line.startswith((".", "'")):
            out.append(line)
        else:
            out.extend(text_line(line))
    if sections is not None:
        out.extend(sections.rstrip("\n").splitlines())
    # generate-manual ends an option's discussion with a paragraph break that mandoc skips before the next item.
    out = [line for index, line in enumerate(out) if line != ".Pp" or not out[index + 1].startswith(".It ")]
    return "\n".join(fix_see_also(out)) + "\n"


def fix_see_also(lines):
    """SEE ALSO: the references and ss(8) in mandoc's order, commas between and none after the last."""
    try:
        start = lines.index('.Sh "SEE ALSO"')
    except ValueError:
        return lines
    end = start + 1
    while end < len(lines) and not lines[end].startswith(".Sh "):
        end += 1
    references = [line.rstrip(" ,") for line in lines[start + 1 : end] if line.startswith(".Xr ")]
    references.append(".Xr ss 8")
    # mandoc's order: by section, then by name.
    references.sort(key=lambda reference: (reference.split()[2], reference.split()[1]))
    body = [reference + " ," for reference in references[:-1]] + [references[-1]]
    return lines[: start + 1] + body + lines[end:]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    generated, name, sections = sys.argv[1:]
    with open(generated, encoding="utf-8") as file:
        text = file.read()
    with open(sections, encoding="utf-8") as file:
        extra = file.read()
    sys.stdout.write(finish(text, name, extra))


if __name__ == "__main__":
    main()
