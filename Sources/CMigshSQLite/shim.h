#ifndef CMIGSH_SQLITE_SHIM_H
#define CMIGSH_SQLITE_SHIM_H
#include <sqlite3.h>

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

#include <sys/vfs.h>
// statfs(2)'s f_type for a path (Glibc's Swift overlay does not import <sys/vfs.h>);
// returns -1 when the path cannot be examined.
static inline long long migsh_filesystem_magic(const char *path) {
    struct statfs st;
    if (statfs(path, &st) != 0) return -1;
    return (long long)(unsigned int)st.f_type;
}
#endif
