/*
 * A C client of the startup check: calls cti_startup_check (include/cti_startup_check.h)
 * with a request and prints the verdict it returns. StartupCheckCEntryTests compiles it with
 * `cc` against the header and links it to the built libCTIStartupCheck.so.
 *
 *   startup_check FILE       the request is FILE's bytes (passed with their length: no NUL needed)
 *   startup_check --null     a NULL request
 *   startup_check --empty    an empty request (a valid pointer, length 0)
 *   startup_check --version  prints cti_startup_check_version()
 *
 * Exit status: 0 when a verdict was printed, 3 when the library returned NULL, 66 when FILE
 * cannot be read, 64 for a wrong command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cti_startup_check.h"

static int read_file(const char *path, uint8_t **bytes, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    size_t capacity = 4096, used = 0;
    uint8_t *buffer = malloc(capacity);
    size_t got;
    while (buffer && (got = fread(buffer + used, 1, capacity - used, file)) > 0) {
        used += got;
        if (used == capacity) {
            uint8_t *bigger = realloc(buffer, capacity * 2);
            if (!bigger) { free(buffer); buffer = NULL; break; }
            buffer = bigger;
            capacity *= 2;
        }
    }
    int failed = ferror(file) || !buffer;
    fclose(file);
    if (failed) { free(buffer); return -1; }
    *bytes = buffer;
    *length = used;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: startup_check FILE | --null | --empty | --version\n");
        return 64;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s\n", cti_startup_check_version());
        return 0;
    }
    char *verdict;
    if (strcmp(argv[1], "--null") == 0) {
        verdict = cti_startup_check(NULL, 0);
    } else if (strcmp(argv[1], "--empty") == 0) {
        static const uint8_t nothing[1] = {0};
        verdict = cti_startup_check(nothing, 0);
    } else {
        uint8_t *request;
        size_t length;
        if (read_file(argv[1], &request, &length) != 0) {
            fprintf(stderr, "startup_check: cannot read %s\n", argv[1]);
            return 66;
        }
        verdict = cti_startup_check(request, length);
        /* The library only reads the request during the call: it may go now. */
        memset(request, 0, length);
        free(request);
    }
    if (!verdict) {
        fprintf(stderr, "startup_check: cti_startup_check returned NULL\n");
        return 3;
    }
    fputs(verdict, stdout);
    cti_startup_check_free(verdict);
    return 0;
}
