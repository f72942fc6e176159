#ifndef CMIGSH_SQLITE_SHIM_H
#define CMIGSH_SQLITE_SHIM_H
// The system library is built with the session extension (sqlite3's .session): its API is
// declared only under these two macros.
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdlib.h>

// sqlite3_db_config is variadic: Swift cannot call it directly.
static inline int migsh_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

// sqlite3_snprintf is variadic. The sqlite3 shell prints floats in JSON mode with "%!.20g"
// and in quote/insert modes with "%!.15g"; these wrappers give Swift the same formatting.
static inline void migsh_format_double(char *buf, int size, double value, int digits) {
    if (digits == 20) sqlite3_snprintf(size, buf, "%!.20g", value);
    else sqlite3_snprintf(size, buf, "%!.15g", value);
}

// sqlite3_config is variadic. sqlite3's -mmap, -lookaside and -pagecache options call it
// before the library initializes; migsh does the same, before its first connection opens.
static inline int migsh_sqlite3_config_mmap(sqlite3_int64 size) {
    return sqlite3_config(SQLITE_CONFIG_MMAP_SIZE, size, size);
}
static inline int migsh_sqlite3_config_lookaside(int size, int count) {
    return sqlite3_config(SQLITE_CONFIG_LOOKASIDE, size, count);
}
// As sqlite3 3.40's shell: the page cache gets n slots of sz bytes, malloc'd once, never freed.
static inline int migsh_sqlite3_config_pagecache(sqlite3_int64 sz, sqlite3_int64 n) {
    if (sz > 70000) sz = 70000;
    if (sz < 0) sz = 0;
    if (sz > 0 && n > 0 && 0xffffffffffffLL / sz < n) n = 0xffffffffffffLL / sz;
    return sqlite3_config(SQLITE_CONFIG_PAGECACHE, (n > 0 && sz > 0) ? malloc((size_t)(n * sz)) : 0, (int)sz, (int)n);
}

// sqlite3_config is variadic: SQLite's error log (sqlite3's .log), set before initialization.
static inline int migsh_sqlite3_config_log(void (*callback)(void *, int, const char *), void *context) {
    return sqlite3_config(SQLITE_CONFIG_LOG, callback, context);
}

// sqlite3_vtab_config is variadic: the table-valued functions declare themselves innocuous
// (generate_series) or direct-only (fsdir: never from a view or trigger), as sqlite3's do.
static inline int migsh_sqlite3_vtab_config(sqlite3 *db, int op) {
    return sqlite3_vtab_config(db, op);
}

// sqlite3_test_control is variadic: SQLITE_TESTCTRL_IMPOSTER (sqlite3's .imposter).
static inline int migsh_sqlite3_test_control_imposter(sqlite3 *db, const char *schema, int on, int tnum) {
    return sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER, db, schema, on, tnum);
}

// sqlite3_test_control is variadic: sqlite3 3.40's .testctrl calls it with these argument lists.
static inline int migsh_sqlite3_test_control(int op) {
    return sqlite3_test_control(op);
}
static inline int migsh_sqlite3_test_control_int(int op, int value) {
    return sqlite3_test_control(op, value);
}
static inline int migsh_sqlite3_test_control_uint(int op, unsigned int value) {
    return sqlite3_test_control(op, value);
}
static inline int migsh_sqlite3_test_control_db(int op, sqlite3 *db) {
    return sqlite3_test_control(op, db);
}
static inline int migsh_sqlite3_test_control_db_int(int op, sqlite3 *db, int value) {
    return sqlite3_test_control(op, db, value);
}
static inline int migsh_sqlite3_test_control_db_uint(int op, sqlite3 *db, unsigned int value) {
    return sqlite3_test_control(op, db, value);
}
static inline int migsh_sqlite3_test_control_int_db(int op, int value, sqlite3 *db) {
    return sqlite3_test_control(op, value, db);
}
static inline int migsh_sqlite3_test_control_db_u64(int op, sqlite3 *db, sqlite3_uint64 *out) {
    return sqlite3_test_control(op, db, out);
}

#include <string.h>
#include <strings.h>
// True when one of the `count` NUL-terminated lower-case ASCII `needles` occurs in the n
// bytes at `text`, ignoring ASCII case: a cheap first look at a migration statement before it
// is tokenized (half a million statements in a migration must not each pay for more).
static inline int migsh_contains_any_ascii_ci(const char *text, size_t n, const char *const *needles, int count) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        for (int k = 0; k < count; k++) {
            const char *needle = needles[k];
            if ((unsigned char)needle[0] != c) continue;
            size_t m = strlen(needle);
            if (i + m <= n && strncasecmp(text + i, needle, m) == 0) return 1;
        }
    }
    return 0;
}

#include <sys/vfs.h>
// statfs(2)'s f_type for a path (Glibc's Swift overlay does not import <sys/vfs.h>);
// returns -1 when the path cannot be examined.
static inline long long migsh_filesystem_magic(const char *path) {
    struct statfs st;
    if (statfs(path, &st) != 0) return -1;
    return (long long)(unsigned int)st.f_type;
}
#endif
