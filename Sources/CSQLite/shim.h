#ifndef JANUS_CSQLITE_SHIM_H
#define JANUS_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro that Swift cannot import.
static inline sqlite3_destructor_type janus_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// SQLITE_STATIC likewise: SQLite reads the bound bytes in place until they are unbound.
static inline sqlite3_destructor_type janus_sqlite_static(void) {
    return SQLITE_STATIC;
}
#endif
