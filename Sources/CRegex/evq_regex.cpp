// The RE2 side of evq_regex.h: options chosen once (UTF-8, no captures, no logging to stderr).
#include "evq_regex.h"
#include <re2/re2.h>
#include <cstring>
#include <new>
#include <string>

static_assert(EVQ_REGEX_BAD_ESCAPE == re2::RE2::ErrorBadEscape, "RE2 error codes moved");
static_assert(EVQ_REGEX_UNEXPECTED_PAREN == re2::RE2::ErrorUnexpectedParen, "RE2 error codes moved");
static_assert(EVQ_REGEX_TOO_LARGE == re2::RE2::ErrorPatternTooLarge, "RE2 error codes moved");

struct evq_regex {
    re2::RE2 re;
    evq_regex(const re2::StringPiece &pattern, const re2::RE2::Options &options) : re(pattern, options) {}
};

static void copy_text(char *dst, size_t cap, const std::string &src) {
    size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
}

extern "C" evq_regex *evq_regex_compile(const char *pattern, size_t length, int ignore_case,
                                        long long max_memory, evq_regex_error *error) {
    re2::RE2::Options options;
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    options.set_never_capture(true);
    options.set_case_sensitive(!ignore_case);
    if (max_memory > 0) options.set_max_mem(max_memory);
    evq_regex *regex = new (std::nothrow) evq_regex(re2::StringPiece(pattern, length), options);
    if (regex == nullptr) {
        error->code = EVQ_REGEX_TOO_LARGE;
        copy_text(error->message, sizeof error->message, "out of memory");
        error->fragment[0] = '\0';
        return nullptr;
    }
    if (!regex->re.ok()) {
        error->code = regex->re.error_code();
        copy_text(error->message, sizeof error->message, regex->re.error());
        copy_text(error->fragment, sizeof error->fragment, regex->re.error_arg());
        delete regex;
        return nullptr;
    }
    return regex;
}

extern "C" int evq_regex_search(const evq_regex *regex, const char *text, size_t length) {
    return re2::RE2::PartialMatch(re2::StringPiece(text, length), regex->re) ? 1 : 0;
}

extern "C" void evq_regex_free(evq_regex *regex) { delete regex; }
