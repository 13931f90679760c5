/* node/config_keys.c -- every key of relay.ini: its section, type, range,
 * default, example and help (config_keys.h). */
#include <stddef.h>
#include <stdint.h>

#include "gossip/descriptor.h"
#include "gossip/gossip.h"
#include "node/config_keys.h"

#define KEY(sec, name, type, flags, n, lo, hi, field, dflt, ex, help) \
    { sec, name, type, flags, n, lo, hi, offsetof(node_config, field), dflt, ex, help }
#define U32(sec, name, flags, lo, hi, field, dflt, help) \
    KEY(sec, name, T_U32, flags, 1, lo, hi, field, dflt, NULL, help)

const key_def node_config_keys[N_KEYS] = {
    [K_NICKNAME] = KEY("relay", "nickname", T_NICK, F_REQ, 1, 0, 0, nickname, "relay0", NULL,
        "A name for this relay in logs and metrics: 1 to 32 characters\n"
        "from A-Z a-z 0-9 _ -.  Required."),
    [K_DATA_DIR] = KEY("relay", "data_dir", T_PATH, F_REQ, 1, 0, 0, data_dir, "data", NULL,
        "The relay's own directory (database, encrypted keys).  The daemon\n"
        "refuses to start unless it is mode 0700.  Required."),
    [K_LISTEN] = KEY("relay", "listen", T_LISTEN, F_REQ, 1, 0, 0, listen, "127.0.0.1:9001", NULL,
        "Where peers connect (ZeroMQ CURVE): a.b.c.d:PORT or [IPv6]:PORT,\n"
        "port 1..65535; 0.0.0.0 or [::] accepts on every address.  Required."),
    [K_ADVERTISE] = KEY("relay", "advertise", T_ADVERTISE, 0, NODE_CFG_MAX_ADVERTISE, 0, 0,
        advertise, NULL, "203.0.113.7:9001",
        "The address peers should connect to, signed into the descriptor;\n"
        "repeat for up to 4.  IP literals, not a wildcard.  Default: listen."),
    [K_CAPACITY] = U32("relay", "capacity", F_RELOAD, 1, UINT32_MAX, capacity, "100",
        "Relative bandwidth weight published in the descriptor (paths favour\n"
        "larger values)."),
    [K_KEY_FILE] = KEY("keys", "key_file", T_OPTPATH, 0, 1, 0, 0, key_file, "relay.key",
        "relay.key", "A file (mode 0600) holding 64 hex digits: the key that encrypts\n"
        "the relay's keys at rest.  Keep it out of backups of data_dir."),
    [K_PASSPHRASE_FILE] = KEY("keys", "passphrase_file", T_OPTPATH, 0, 1, 0, 0, passphrase_file,
        NULL, "passphrase.txt",
        "A file (mode 0600) whose first line is a passphrase, stretched with Argon2id."),
    [K_PASSPHRASE_ENV] = KEY("keys", "passphrase_env", T_ENV, 0, 1, 0, 0, passphrase_env, NULL,
        "SHROUD_PASSPHRASE", "An environment variable holding the passphrase: [A-Z_][A-Z0-9_]*."),
    [K_BOOTSTRAP] = KEY("network", "bootstrap", T_BOOT, 0, NODE_CFG_MAX_BOOTSTRAP, 0, 0,
        bootstrap, NULL, "IDENTITY TRANSPORT 198.51.100.2:9001",
        "A relay to contact at start-up: IDENTITY TRANSPORT HOST:PORT (its\n"
        "Ed25519 identity and CurveZMQ transport keys, 64 hex digits each,\n"
        "and its address).  Repeat for up to 8 relays."),
    [K_MAX_MESSAGE] = U32("network", "max_message", 0, 1024, 1048576, max_message, "65536",
        "Largest message accepted, in bytes."),
    [K_QUEUE_MAX] = U32("network", "queue_max", 0, 1, 1000000, queue_max, "1000",
        "Messages queued per peer connection (ZeroMQ high-water mark)."),
    [K_PEER_RATE] = U32("network", "peer_rate", F_RELOAD, 1, 1000000, peer_rate, "200",
        "Messages per second accepted from one peer (bursts of twice that)."),
    [K_UNKNOWN_RATE] = U32("network", "unknown_rate", F_RELOAD, 1, 1000000, unknown_rate, "20",
        "Connections per second admitted from not-yet-known relays, all together\n"
        "(bursts of twice that)."),
    [K_IDLE_TIMEOUT] = U32("network", "idle_timeout_s", 0, 10, 86400, idle_timeout_s, "300",
        "Close an outgoing connection idle this many seconds."),
    [K_TICK_MS] = U32("gossip", "tick_ms", 0, 10, 60000, tick_ms, "1000",
        "Heartbeat period in milliseconds."),
    [K_ACTIVE_VIEW] = U32("gossip", "active_view", F_AUTO0, 2, GOSSIP_MAX_ACTIVE, active_view,
        "0", "Neighbours in the active view (0: the gossip default)."),
    [K_PASSIVE_VIEW] = U32("gossip", "passive_view", F_AUTO0, 4, 4096, passive_view, "0",
        "Relays kept in the passive view (0: six times the active view)."),
    [K_DESC_LIFETIME] = U32("gossip", "descriptor_lifetime_s", 0, 300, GOSSIP_DESC_MAX_LIFETIME_S,
        descriptor_lifetime_s, "3600", "Validity of this relay's signed descriptor in seconds."),
    [K_EPOCH] = U32("gossip", "epoch_s", 0, 60, 604800, epoch_s, "3600",
        "Epoch length in seconds, the same on every relay of a network."),
    [K_CONTROL] = KEY("control", "listen", T_CONTROL, 0, 1, 0, 0, control, "127.0.0.1:9101", NULL,
        "The HTTP control API and /metrics: a loopback address (127.0.0.0/8\n"
        "or [::1]) and a port; port 0 disables it.  Default 127.0.0.1:9101."),
    [K_TOKEN_FILE] = KEY("control", "token_file", T_PATH, 0, 1, 0, 0, token_file,
        "control.token", NULL,
        "The file holding the bearer token the control API requires.\nDefault control.token."),
    [K_LOG_LEVEL] = KEY("log", "level", T_LEVEL, F_RELOAD, 1, 0, 0, log_level, "info", NULL,
        "Least severe messages logged: debug, info, notice, warn or err.\nDefault info."),
    [K_LOG_FILE] = KEY("log", "file", T_OPTPATH, F_RELOAD, 1, 0, 0, log_file, NULL, "relay.log",
        "Append log lines to this file (reopened on SIGHUP, for rotation).\nDefault: stderr."),
    [K_LOG_FORMAT] = KEY("log", "format", T_FORMAT, F_RELOAD, 1, 0, 0, log_format, "auto", NULL,
        "plain, systemd (journal priority prefixes) or auto (systemd when\n"
        "JOURNAL_STREAM is set).  Default auto."),
};

const char *const node_config_sections[N_SECTIONS] = { "relay", "keys", "network", "gossip",
                                                       "control", "log" };
const char *const node_config_log_formats[3] = { "auto", "plain", "systemd" };
