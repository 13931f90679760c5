/* node/config_keys.h -- the table that describes every key of relay.ini
 * once: node/config.c parses, defaults and reload-checks by it,
 * node/config_write.c writes new files from it.  Internal to node/config*. */
#ifndef SHROUD_NODE_CONFIG_KEYS_H
#define SHROUD_NODE_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "node/config.h"

enum { T_U32, T_NICK, T_PATH, T_OPTPATH, T_LISTEN, T_ADVERTISE, T_CONTROL, T_ENV, T_BOOT,
       T_LEVEL, T_FORMAT };
#define F_REQ 1u     /* required */
#define F_RELOAD 2u  /* may change on SIGHUP */
#define F_AUTO0 4u   /* 0 is accepted besides lo..hi ("automatic") */

typedef struct key_def {
    const char *section, *name;
    uint8_t type, flags, max_count;  /* max_count > 1: repeatable */
    uint32_t lo, hi;                 /* T_U32 */
    size_t off;                      /* the field in node_config */
    const char *dflt;                /* written by node_config_write when not given */
    const char *example;             /* written commented out when there is no value */
    const char *help;                /* the comment above the key in a new file; for
                                      * T_U32 the range and default are added */
} key_def;

enum { K_NICKNAME, K_DATA_DIR, K_LISTEN, K_ADVERTISE, K_CAPACITY, K_KEY_FILE, K_PASSPHRASE_FILE,
       K_PASSPHRASE_ENV, K_BOOTSTRAP, K_MAX_MESSAGE, K_QUEUE_MAX, K_PEER_RATE, K_UNKNOWN_RATE,
       K_IDLE_TIMEOUT, K_TICK_MS, K_ACTIVE_VIEW, K_PASSIVE_VIEW, K_DESC_LIFETIME, K_EPOCH,
       K_CONTROL, K_TOKEN_FILE, K_LOG_LEVEL, K_LOG_FILE, K_LOG_FORMAT, N_KEYS };


/* In file order: the order of node_config_write and of reload_check. */
extern const key_def node_config_keys[N_KEYS];
extern const char *const node_config_sections[];
#define N_SECTIONS 6
/* Indexed by node_log_format */
extern const char *const node_config_log_formats[3];

/* Shared by config.c and config_write.c: path made absolute against the
 * current directory into abs, and, if dir is not NULL, abs's directory into
 * dir (both PATH_MAX bytes); and "NAME:LINE: reason" ("NAME: reason"
 * without a line) into err. */
int node_config_abs_path(char *abs, char *dir, const char *path);
void node_config_report(char *err, size_t errlen, const char *name, int line, const char *fmt,
                        ...) __attribute__((format(printf, 5, 6)));

#endif
