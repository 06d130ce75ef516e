/*
 * cti_startup_check.h: the ctictl startup check as a C function (docs/startup-check.md).
 *
 * One call answers "may the client start?": the license, this user's config and the
 * installed combination of client, module, PBX and DATEV releases, checked offline.
 *
 * Request: UTF-8 JSON, schema "ctictl.startup-request/1" (documented in docs/startup-check.md),
 * e.g. {"product": "datev-connector", "license": "C:/ProgramData/.../license.lic",
 *       "keyring": "...", "catalog": "...", "config": "...", "clientVersion": "2.6",
 *       "pbxVersion": "9.0", "pbxId": "..."}
 * Documents are paths (relative to the working directory) or {"text": "..."} objects.
 *
 * Result: a NUL-terminated UTF-8 JSON verdict, schema "ctictl.startup-check/1", with
 * "verdict" ("start", "start-with-warnings", "do-not-start"), "exitStatus" (0, 2, 1; 64/65
 * for a wrong request or unreadable input) and every finding with code, de/en text and fix.
 * A verdict is always returned, also for a malformed request; NULL only when out of memory.
 *
 * Memory: the result is allocated by the library; free it with cti_startup_check_free, never
 * with another allocator. The request is only read during the call.
 * Threads: the function keeps no global state and may be called from several threads at
 * once. Two calls naming the same state file both write it atomically, one after the other
 * (an advisory lock on the state's directory; not on Windows), each merged with what the
 * other wrote: the later time seen and the higher revocation sequence stay.
 */
#ifndef CTI_STARTUP_CHECK_H
#define CTI_STARTUP_CHECK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

char *cti_startup_check(const uint8_t *request_json, size_t length);
void cti_startup_check_free(char *verdict_json);
/* "ctictl.startup-request/1 ctictl.startup-check/1": the formats this library speaks. */
const char *cti_startup_check_version(void);

#ifdef __cplusplus
}
#endif

#endif
