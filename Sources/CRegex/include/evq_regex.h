// A C interface to RE2 (Debian libre2-dev) for Swift: compile once, search many times.
// RE2 runs in time linear in the text and never gives up on a match, so evq's `matches`
// cannot hang on a pathological pattern or answer "no match" when it ran out of budget.
#ifndef EVQ_REGEX_H
#define EVQ_REGEX_H
#include <stddef.h>
#include "evq_prefetch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evq_regex evq_regex;

/// Why a pattern did not compile: RE2's error code, its message and the offending fragment.
typedef struct evq_regex_error {
    int code;
    char message[200];
    char fragment[200];
} evq_regex_error;

/// RE2::ErrorCode, mirrored (checked by static_assert in evq_regex.cpp), plus our own.
enum {
    EVQ_REGEX_INTERNAL = 1,
    EVQ_REGEX_BAD_ESCAPE,
    EVQ_REGEX_BAD_CHAR_CLASS,
    EVQ_REGEX_BAD_CHAR_RANGE,
    EVQ_REGEX_MISSING_BRACKET,
    EVQ_REGEX_MISSING_PAREN,
    EVQ_REGEX_UNEXPECTED_PAREN,
    EVQ_REGEX_TRAILING_BACKSLASH,
    EVQ_REGEX_REPEAT_ARGUMENT,
    EVQ_REGEX_REPEAT_SIZE,
    EVQ_REGEX_REPEAT_OP,
    EVQ_REGEX_BAD_PERL_OP,
    EVQ_REGEX_BAD_UTF8,
    EVQ_REGEX_BAD_NAMED_CAPTURE,
    EVQ_REGEX_TOO_LARGE
};

/// Compiles `pattern` (UTF-8, `length` bytes; NUL allowed). Returns NULL and fills `error`
/// when the pattern is not valid RE2 syntax or its program would exceed `max_memory` bytes.
evq_regex *evq_regex_compile(const char *pattern, size_t length, int ignore_case,
                             long long max_memory, evq_regex_error *error);

/// 1 when the pattern matches somewhere in `text` (unanchored search), else 0.
/// Safe to call from several threads on the same compiled pattern.
int evq_regex_search(const evq_regex *regex, const char *text, size_t length);

void evq_regex_free(evq_regex *regex);

#ifdef __cplusplus
}
#endif
#endif
