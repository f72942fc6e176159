#ifndef CMIGSH_ZLIB_SHIM_H
#define CMIGSH_ZLIB_SHIM_H
// zlib for sqlar_compress/sqlar_uncompress (the "zlib format", compress()/uncompress()),
// as sqlite3's shell links it (ext/misc/sqlar.c).
#include <zlib.h>
#endif
