#!/usr/bin/env python3
"""A foreign runtime calling the startup check's C entry point, as .NET's P/Invoke would:
loads libCTIStartupCheck with ctypes, calls cti_startup_check from several threads at once
(ctypes lets go of the GIL during the call), frees every verdict with cti_startup_check_free.

    startup_check_ctypes.py LIBRARY THREADS REQUEST...

REQUEST is a file holding the request's bytes, or --null (a NULL request) or --empty (an
empty one). Every thread calls every request, each thread in a different order, all starting
together. Prints a JSON array with one verdict per REQUEST. Exit status 0; 1 when the threads
got different verdicts for one request, a verdict is not JSON or the library returned NULL.
Run by StartupCheckCEntryTests.
"""
import ctypes
import json
import sys
import threading


def normalised(verdict):
    """The verdict without what depends on the instant of the call and on the calls before it
    (the next state is written by the first call, then only once it says something new)."""
    copy = dict(verdict)
    copy.pop("checkedAt", None)
    copy.pop("nextState", None)
    return copy


def main(argv):
    if len(argv) < 4:
        print("usage: startup_check_ctypes.py LIBRARY THREADS REQUEST...", file=sys.stderr)
        return 64
    library = ctypes.CDLL(argv[1])
    check = library.cti_startup_check
    check.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    # c_void_p, not c_char_p: ctypes would copy a c_char_p result and lose the pointer to free.
    check.restype = ctypes.c_void_p
    free = library.cti_startup_check_free
    free.argtypes = [ctypes.c_void_p]
    free.restype = None

    requests = []
    for argument in argv[3:]:
        if argument == "--null":
            requests.append(None)
        elif argument == "--empty":
            requests.append(b"")
        else:
            with open(argument, "rb") as handle:
                requests.append(handle.read())

    threads = int(argv[2])
    start = threading.Barrier(threads)
    results = [[] for _ in requests]
    lock = threading.Lock()
    problems = []

    def worker(index):
        start.wait()
        order = list(range(len(requests)))
        order = order[index % len(order):] + order[:index % len(order)]
        for number in order:
            request = requests[number]
            pointer = check(request, 0 if request is None else len(request))
            if not pointer:
                with lock:
                    problems.append(f"request {number}: cti_startup_check returned NULL")
                continue
            text = ctypes.string_at(pointer)
            free(pointer)
            with lock:
                results[number].append(text)

    workers = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    verdicts = []
    for number, texts in enumerate(results):
        try:
            parsed = [json.loads(text) for text in texts]
        except ValueError as error:
            problems.append(f"request {number}: a verdict is not JSON: {error}")
            continue
        if len(parsed) != threads:
            problems.append(f"request {number}: {len(parsed)} verdicts from {threads} threads")
        elif any(normalised(verdict) != normalised(parsed[0]) for verdict in parsed):
            problems.append(f"request {number}: the threads got different verdicts")
        if parsed:
            verdicts.append(parsed[0])
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(json.dumps(verdicts, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
