#ifndef CMIGSH_EDIT_SHIM_H
#define CMIGSH_EDIT_SHIM_H
#include <stdio.h>
// libedit's readline-compatible API. Never <readline/readline.h>: with GNU readline's
// headers installed it would compile against them while linking libedit.
#include <editline/readline.h>

typedef char *(*migsh_completion_generator)(const char *, int);

// C globals are not concurrency-safe in Swift 6: set them through accessors.
static inline void migsh_rl_set_completion(char **(*fn)(const char *, int, int)) {
    rl_attempted_completion_function = fn;
}
static inline void migsh_rl_set_completion_append_character(int c) {
    rl_completion_append_character = c;
}
static inline void migsh_rl_set_basic_word_break_characters(const char *chars) {
    rl_basic_word_break_characters = (char *)chars;
}
static inline const char *migsh_rl_line_buffer(void) { return rl_line_buffer; }
static inline int migsh_rl_point(void) { return rl_point; }
static inline void migsh_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline char **migsh_rl_completion_matches(const char *text, migsh_completion_generator gen) {
    return rl_completion_matches(text, gen);
}
static inline void migsh_rl_set_readline_name(const char *name) { rl_readline_name = (char *)name; }
// The function libedit's readline() reads each typed character with: what it returns is the
// wide character itself (libedit's _getc_function), so migsh decodes the bytes (TypedBytes).
// Set before the first readline(): libedit installs it when it initializes.
static inline void migsh_rl_set_getc_function(int (*fn)(FILE *)) { rl_getc_function = fn; }
// Ends the line being read from a key binding (libedit's rl_bind_wrapper then returns CC_EOF).
static inline void migsh_rl_set_done(int v) { rl_done = v; }
#endif
