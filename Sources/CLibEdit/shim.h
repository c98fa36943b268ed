/* The C side of LineEditor: libedit's native API (histedit.h) plus non-variadic wrappers,
   because Swift cannot call C-variadic el_set/el_get/history. Nothing else lives here. */
#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H

#include <stdio.h>
#include <wchar.h>
#include <histedit.h>
#if __has_include(<pty.h>)
#include <pty.h>            /* openpty, for the pseudo-terminal tests (in glibc itself) */
#elif __has_include(<util.h>)
#include <util.h>
#endif

typedef char *(*cle_prompt_fn)(EditLine *);
typedef unsigned char (*cle_key_fn)(EditLine *, int);

/* Swift 6 rejects the C globals stdin/stdout/stderr (mutable shared state), so hand them out. */
static inline FILE *cle_stdin(void) { return stdin; }
static inline FILE *cle_stdout(void) { return stdout; }
static inline FILE *cle_stderr(void) { return stderr; }

/* Editor settings. */
static inline int cle_set_prompt_esc(EditLine *el, cle_prompt_fn f, char c) { return el_set(el, EL_PROMPT_ESC, f, c); }
static inline int cle_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int cle_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int cle_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int cle_set_clientdata(EditLine *el, void *p) { return el_set(el, EL_CLIENTDATA, p); }
static inline void *cle_get_clientdata(EditLine *el) { void *p = NULL; el_get(el, EL_CLIENTDATA, &p); return p; }
static inline int cle_add_fn(EditLine *el, const char *name, const char *help, cle_key_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int cle_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, (const char *)NULL);
}
/* Terminal width in columns, or -1 if libedit does not know it. */
static inline int cle_columns(EditLine *el) { int co = -1; if (el_get(el, EL_GETTC, "co", &co) != 0) return -1; return co; }

/* Terminal columns of one character; wcwidth is hidden unless _XOPEN_SOURCE, which a module header cannot set. */
extern int wcwidth(wchar_t c);
static inline int cle_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* History. Every wrapper returns history()'s result: 0 (or a count) on success, -1 on failure. */
static inline int cle_hist_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int cle_hist_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int cle_hist_enter(History *h, const char *s) { HistEvent ev; return history(h, &ev, H_ENTER, s); }
static inline int cle_hist_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int cle_hist_save_fp(History *h, FILE *fp) { HistEvent ev; return history(h, &ev, H_SAVE_FP, fp); }
/* Moves the history cursor (op is H_FIRST, H_LAST, H_NEXT or H_PREV) and returns that entry, or NULL past the end. */
static inline const char *cle_hist_step(History *h, int op) {
    HistEvent ev;
    if (history(h, &ev, op) == -1) return NULL;
    return ev.str;
}

#endif
